package io.mappedjournal.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Out-of-range numbers are usage errors (exit 2, nothing on stdout, one line naming the option,
 * the value as typed and the allowed range), checked before anything runs or is created.
 */
class UsageRangesTest {
    @TempDir
    Path tmp;

    private static void assertUsage(Cli.Run run, String line) {
        assertEquals(2, run.exit, run.toString());
        assertEquals("", run.out, run.toString());
        assertEquals(line + "\n", run.err, run.toString());
    }

    @Test
    void demoRejectsThreadCountsOutsideOneTo256() {
        final Path dir = tmp.resolve("j");
        assertUsage(Cli.run("demo", "--dir", dir.toString(), "--threads", "0"),
                "journal: --threads=0 is out of range: expected 1..256 (the journal's default maxWriters) (see 'journal demo --help')");
        assertUsage(Cli.run("demo", "--dir", dir.toString(), "--threads", "-3"),
                "journal: --threads=-3 is out of range: expected 1..256 (the journal's default maxWriters) (see 'journal demo --help')");
        assertFalse(Files.exists(dir), "nothing created for a usage error");
    }

    @Test
    void demoRejectsANonPositiveDuration() {
        assertUsage(Cli.run("demo", "--dir", tmp.resolve("j").toString(), "--seconds", "-1"),
                "journal: --seconds=-1 is out of range: expected more than 0 and at most 3600 (see 'journal demo --help')");
        assertUsage(Cli.run("demo", "--dir", tmp.resolve("j").toString(), "--seconds", "0"),
                "journal: --seconds=0 is out of range: expected more than 0 and at most 3600 (see 'journal demo --help')");
    }

    @Test
    void demoRejectsARecordLargerThanTheJournalAccepts() {
        assertUsage(Cli.run("demo", "--dir", tmp.resolve("j").toString(), "--record-size", "100000"),
                "journal: --record-size=100000 is out of range: expected 32..65536 (or 0 for empty records; room for the"
                        + " checked 't=<t> n=<n> ' prefix, up to the journal's default maxRecordSize)"
                        + " (see 'journal demo --help')");
    }

    @Test
    void stressNamesTheWrongValue() {
        final Path dir = tmp.resolve("s");
        assertUsage(Cli.run("stress", dir.toString(), "--threads", "0"),
                "journal: --threads=0 is out of range: expected >= 1 (see 'journal stress --help')");
        assertUsage(Cli.run("stress", dir.toString(), "--record-size", "-5"),
                "journal: --record-size=-5 is out of range: expected >= 1 (see 'journal stress --help')");
        assertUsage(Cli.run("stress", dir.toString(), "--records", "-1"),
                "journal: --records=-1 is out of range: expected >= 0 (see 'journal stress --help')");
        assertUsage(Cli.run("stress", dir.toString(), "--duration", "-2"),
                "journal: --duration=-2.0 is out of range: expected >= 0 (see 'journal stress --help')");
    }

    @Test
    void benchAppendRejectsZeroThreadsBeforeRunning() {
        assertUsage(Cli.run("bench", "append", "--threads", "1,0", "--dir", tmp.toString()),
                "journal: --threads=0 is out of range: expected 1..4096 (see 'journal bench append --help')");
    }

    @Test
    void benchAppendRejectsAPlotItCannotDrawBeforeRunning() throws Exception {
        final Cli.Run run = Cli.run("bench", "append", "--systems", "noop", "--threads", "1", "--duration", "5",
                "--dir", tmp.toString(), "--plot", tmp.resolve("out.svg").toString());
        assertUsage(run, "journal: --plot must name a .png file (the only format bench append draws): --plot="
                + tmp.resolve("out.svg") + " (see 'journal bench append --help')");
        // stderr is exactly the usage line: no "bench: noop threads=1 ..." run line, no plan: nothing ran.
        try (var left = Files.list(tmp)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void benchAppendPrintsItsPlanFirstAndExplainsTheColumns() {
        final Cli.Run run = Cli.run("bench", "append", "--systems", "noop,mapped-journal", "--threads", "1,2",
                "--duration", "0.2", "--warmup", "0.1", "--dir", tmp.toString());
        assertEquals(0, run.exit, run.toString());
        assertTrue(run.err.startsWith("bench append: plan: 4 runs (2 systems x 2 thread counts x 1 record size),"
                + " each 0.1 s warm-up + 0.2 s measured: about 1.2 s plus opening and deleting each run's files\n"), run.err);
        assertTrue(run.out.contains("\nratio:      appends/s divided by mapped-journal's in the same table"), run.out);
        assertTrue(run.out.contains("\nfairness:   the slowest producer thread's appends divided by the fastest's"), run.out);
        assertTrue(run.out.contains("\nblocked_ms: (mapped-journal notes) total milliseconds producers waited"), run.out);
        assertFalse(run.out.contains("-0"), run.out);
    }
}
