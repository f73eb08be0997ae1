package io.mappedjournal.tools;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.Journal;
import io.mappedjournal.segment.SegmentFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Found by review: a segment the manifest lists is missing. verify (exit 1), recover --dry-run
 * (exit 1, refused) and Journal.open (CorruptJournalException) all call the journal damaged.
 * dump and stats must not report it as fine (exit 0) while silently leaving out the records the
 * manifest says are there.
 */
class DamagedJournalToolsTest {
    @TempDir
    Path tmp;

    private Path withoutSegment(long first) throws Exception {
        final Path dir = Cli.copyFixture("clean", tmp);
        Files.delete(SegmentFiles.segmentPath(dir, first));
        assertEquals(ExitCodes.PROBLEMS, Cli.run("verify", dir.toString()).exit, "precondition: verify says damaged");
        assertEquals(ExitCodes.PROBLEMS, Cli.run("recover", "--dry-run", dir.toString()).exit,
                "precondition: recover --dry-run refuses");
        assertThrows(CorruptJournalException.class, () -> Journal.open(FixtureGenerator.config(dir)).close(),
                "precondition: Journal.open refuses");
        return dir;
    }

    @Test
    void dumpDoesNotExitZeroWhenAListedSegmentIsMissing() throws Exception {
        final Path dir = withoutSegment(0);
        final Cli.Run dump = Cli.run("dump", dir.toString());
        assertAll(
                () -> assertNotEquals(ExitCodes.OK, dump.exit, "dump left out records 0..715 of the missing segment "
                        + "and exited 0; first line: " + dump.out.lines().findFirst().orElse("") + "; stderr: [" + dump.err + "]"),
                () -> assertTrue(dump.err.contains(SegmentFiles.segmentName(0)),
                        "dump must name the missing segment on stderr; stderr: [" + dump.err + "]"));
    }

    @Test
    void statsDoesNotExitZeroWhenTheActiveSegmentIsMissing() throws Exception {
        final Path dir = withoutSegment(716);
        final Cli.Run stats = Cli.run("stats", dir.toString());
        assertNotEquals(ExitCodes.OK, stats.exit, "stats exited 0 with the active segment (records 716..899 per the "
                + "manifest) missing:\n" + stats);
    }
    /**
     * A manifest slot or a segment name that is a directory: every command must name the path in
     * its one-line error (README: every bad input gets a clear one-line error naming the path).
     */
    @Test
    void aDirectoryWhereAFileShouldBeIsNamedInTheError() throws Exception {
        final Path slot = Cli.copyFixture("clean", tmp.resolve("slot"));
        Files.delete(slot.resolve("manifest.0"));
        Files.createDirectory(slot.resolve("manifest.0"));
        final Path seg = Cli.copyFixture("clean", tmp.resolve("seg"));
        Files.createDirectory(seg.resolve(SegmentFiles.segmentName(900)));
        final java.util.List<String> bad = new java.util.ArrayList<>();
        for (String[] c : new String[][]{{"verify"}, {"recover", "--dry-run"}, {"stats"}, {"dump"}}) {
            for (Path[] d : new Path[][]{{slot, slot.resolve("manifest.0")}, {seg, seg.resolve(SegmentFiles.segmentName(900))}}) {
                final String[] args = java.util.Arrays.copyOf(c, c.length + 1);
                args[c.length] = d[0].toString();
                final Cli.Run r = Cli.run(args);
                // an error on stderr, or (verify, stats) an anomaly line of the report on stdout
                if (r.exit == ExitCodes.OK || !(r.err + r.out).contains(d[1].getFileName().toString())) {
                    bad.add(String.join(" ", c) + " " + d[1].getFileName() + ": exit=" + r.exit + " stderr=" + r.err.trim());
                }
            }
        }
        assertEquals(java.util.List.of(), bad, "errors that do not name the path");
    }
}
