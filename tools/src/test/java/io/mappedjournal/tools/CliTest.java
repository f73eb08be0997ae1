package io.mappedjournal.tools;

import io.mappedjournal.Journal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exit codes, one-line errors, --verbose, --help on every command. */
class CliTest {
    @TempDir
    Path tmp;

    private static void assertOneLineError(Cli.Run run, int exit, String expectedLine) {
        assertEquals(exit, run.exit, run.toString());
        assertEquals("", run.out, run.toString());
        assertEquals(expectedLine + "\n", run.err, run.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"verify", "dump", "recover", "stats", "bench", "bench fsync", "bench append", "node", "demo", "stress"})
    void everyCommandHasHelpWithTheExitCodes(String command) {
        final String[] args = (command + " --help").split(" ");
        final Cli.Run run = Cli.run(args);
        assertEquals(0, run.exit, run.toString());
        assertTrue(run.out.startsWith("Usage: journal " + command), run.out);
        assertTrue(run.out.contains("Exit codes:\n"), run.out);
        assertTrue(run.out.contains("  0   fine: nothing wrong found\n"), run.out);
        assertTrue(run.out.contains("  1   problems found"), run.out);
        assertTrue(run.out.contains("  2   usage error"), run.out);
        assertTrue(run.out.contains("  3   I/O failure"), run.out);
        assertEquals("", run.err);
    }

    @Test
    void rootHelpListsTheCommands() {
        final Cli.Run run = Cli.run("--help");
        assertEquals(0, run.exit);
        for (String c : new String[]{"verify", "dump", "recover", "stats", "bench", "node"}) {
            assertTrue(run.out.contains("\n  " + c + " "), c + " missing from\n" + run.out);
        }
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertOneLineError(Cli.run("verify"), 2,
                "journal: Missing required parameter: 'DIR' (see 'journal verify --help')");
        assertOneLineError(Cli.run("verify", "--bogus", "x"), 2,
                "journal: Unknown option: '--bogus' (see 'journal verify --help')");
        assertOneLineError(Cli.run("dump", tmp.toString(), "--format", "xml"), 2,
                "journal: Invalid value for option '--format': expected one of [text, hex, json] (case-sensitive) but was 'xml'"
                        + " (see 'journal dump --help')");
        assertOneLineError(Cli.run("dump", tmp.toString(), "--from", "9", "--to", "3"), 2,
                "journal: --to must be >= --from: --from=9 --to=3 (see 'journal dump --help')");
        assertOneLineError(Cli.run("recover", "--mode", "sometimes", tmp.toString()), 2,
                "journal: Invalid value for option '--mode': unknown recovery mode 'sometimes': expected tolerate-tail, "
                        + "point-in-time, skip-corrupted or absolute (see 'journal recover --help')");
        assertOneLineError(Cli.run("nosuchcommand"), 2,
                "journal: Unmatched argument at index 0: 'nosuchcommand' (see 'journal --help')");
        assertOneLineError(Cli.run(), 2,
                "journal: missing command: choose one of verify, dump, recover, stats, bench, node, demo, stress (see 'journal --help')");
        assertOneLineError(Cli.run("bench"), 2, "journal: missing benchmark: choose one of fsync, append (see 'journal bench --help')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"verify", "dump", "stats", "recover"})
    void aMissingDirectoryIsAnIoFailureInOneLine(String command) {
        final Path missing = tmp.resolve("no-such-journal");
        assertOneLineError(Cli.run(command, missing.toString()), 3, "journal: journal directory not found: " + missing);
    }

    @Test
    void aFileInsteadOfADirectoryIsAnIoFailure() throws IOException {
        final Path file = Files.writeString(tmp.resolve("file"), "x");
        assertOneLineError(Cli.run("verify", file.toString()), 3, "journal: not a directory: " + file);
    }

    @Test
    void verboseAddsTheStackTrace() {
        final Path missing = tmp.resolve("no-such-journal");
        for (String[] args : new String[][]{{"verify", "--verbose", missing.toString()},
                {"--verbose", "verify", missing.toString()}}) {
            final Cli.Run run = Cli.run(args);
            assertEquals(3, run.exit);
            assertTrue(run.err.startsWith("journal: journal directory not found: " + missing + "\n"), run.err);
            assertTrue(run.err.contains("java.nio.file.NoSuchFileException"), run.err);
            assertTrue(run.err.contains("\tat io.mappedjournal.tools."), run.err);
        }
    }

    @Test
    void anEmptyDirectoryIsNoJournal() {
        final Cli.Run verify = Cli.run("verify", tmp.toString());
        assertEquals(1, verify.exit, verify.toString());
        assertTrue(verify.out.contains("ANOMALY manifest: no journal here: no manifest slot and no segment files\n"), verify.out);
        final Cli.Run dump = Cli.run("dump", tmp.toString());
        assertEquals(1, dump.exit);
        assertEquals("journal dump: no segment files in " + tmp + "\n", dump.err);
    }

    @Test
    void recoverRefusesAJournalThatIsOpen() throws IOException {
        final Path dir = Cli.copyFixture("torn-tail", tmp);
        final Map<String, String> before;
        try (Journal ignored = Journal.open(FixtureGenerator.config(dir))) {
            // The open journal prepares its next segment in the background: wait for that file, so
            // the snapshot holds every file the journal itself writes and only recover could differ.
            awaitPreallocated(dir);
            before = Cli.checksums(dir);
            final Cli.Run run = Cli.run("recover", dir.toString());
            assertOneLineError(run, 3, "journal: journal is open in this process; close it before recovering: dir=" + dir);
            assertEquals(before, Cli.checksums(dir));
        }
    }

    private static void awaitPreallocated(Path dir) throws IOException {
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                // created empty, then allocated to its full length in one call
                if (files.anyMatch(p -> p.getFileName().toString().endsWith(".prealloc") && p.toFile().length() > 0)) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "the open journal prepared no next segment in 10 s: dir=" + dir);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void recoverRefusalIsOneLineAndChangesNoJournalFile() throws IOException {
        final Path dir = Cli.copyFixture("corrupt-middle", tmp);
        final Map<String, String> before = Cli.checksums(dir);
        final Cli.Run run = Cli.run("recover", dir.toString());
        assertEquals(1, run.exit);
        assertEquals("", run.out);
        assertEquals(1, run.err.split("\n").length, run.err);
        assertTrue(run.err.startsWith("journal: recovery (tolerate-tail) refused: dir=" + dir
                + " 00000000000000000716.seg offset=7712: CRC mismatch"), run.err);
        final Map<String, String> after = Cli.checksums(dir);
        after.remove("journal.lock"); // recover holds the journal's lock: the (empty) lock file is created
        assertEquals(before, after);
    }

    @Test
    void recoverDryRunOnATornTailChangesNothing() throws IOException {
        final Path dir = Cli.copyFixture("torn-tail", tmp);
        final Map<String, String> before = Cli.checksums(dir);
        final Cli.Run run = Cli.run("recover", "--dry-run", dir.toString());
        assertEquals(1, run.exit, run.toString());
        assertTrue(run.out.contains("  action: zero 00000000000000000716.seg [16736, 16808)\n"), run.out);
        assertEquals(before, Cli.checksums(dir));
        assertFalse(Files.exists(dir.resolve("00000000000000000716.seg.16736.broken")));
    }

    @Test
    void recoverKeepsABackupOfEveryZeroedByte() throws IOException {
        final Path dir = Cli.copyFixture("torn-tail", tmp);
        final byte[] segment = Files.readAllBytes(dir.resolve("00000000000000000716.seg"));
        final Cli.Run run = Cli.run("recover", dir.toString());
        assertEquals(0, run.exit, run.toString());
        final byte[] backup = Files.readAllBytes(dir.resolve("00000000000000000716.seg.16736.broken"));
        assertEquals(72, backup.length);
        for (int i = 0; i < backup.length; i++) {
            assertEquals(segment[16736 + i], backup[i], "backup byte " + i);
        }
        final byte[] after = Files.readAllBytes(dir.resolve("00000000000000000716.seg"));
        for (int i = 16736; i < 16808; i++) {
            assertEquals(0, after[i], "byte " + i + " not zeroed");
        }
        // Recovered: a second recover finds it clean and the library opens it.
        assertEquals("result: clean, nothing to do", last(Cli.run("recover", dir.toString()).out));
        try (Journal j = Journal.open(FixtureGenerator.config(dir))) {
            assertEquals(899, j.recoveryReport().nextSequence());
            assertTrue(j.recoveryReport().clean(), j.recoveryReport().describe());
        }
    }

    @Test
    void verifyReportsEveryAnomalyNotOnlyTheFirst() throws IOException {
        final Path dir = Cli.copyFixture("corrupt-middle", tmp);
        // More damage: a flipped byte in a frame of the sealed segment, a stray segment file,
        // a leftover preallocation.
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                dir.resolve("00000000000000000000.seg"), java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[]{0x7f}), 64 + 16 + 2);
        }
        Files.write(dir.resolve("00000000000000000001.seg"), new byte[64]);
        Files.write(dir.resolve("00000000000000000002.prealloc"), new byte[8]);
        final Map<String, String> before = Cli.checksums(dir);
        final Cli.Run run = Cli.run("verify", dir.toString());
        assertEquals(1, run.exit, run.toString());
        final java.util.List<String> anomalies = new java.util.ArrayList<>();
        for (String line : run.out.split("\n")) {
            if (line.startsWith("ANOMALY ")) {
                anomalies.add(line);
            }
        }
        assertEquals(4, anomalies.size(), run.out);
        assertTrue(anomalies.get(0).startsWith("ANOMALY 00000000000000000001.seg: segment file not in the manifest"), anomalies.get(0));
        assertTrue(anomalies.get(1).startsWith("ANOMALY 00000000000000000000.seg offset 64: CRC mismatch: "), anomalies.get(1));
        assertTrue(anomalies.get(1).endsWith("; next frame at offset 104 (sequence 1) (in a sealed segment: acknowledged data)"),
                anomalies.get(1));
        assertTrue(anomalies.get(2).startsWith("ANOMALY 00000000000000000001.seg offset 0: invalid segment header: bad segment magic"), anomalies.get(2));
        assertTrue(anomalies.get(3).startsWith("ANOMALY 00000000000000000716.seg offset 7712: CRC mismatch: "), anomalies.get(3));
        assertTrue(run.out.contains("note 00000000000000000002.prealloc: preallocated segment not yet in use"), run.out);
        assertTrue(run.out.contains("  anomalies           4\n"), run.out);
        assertEquals(before, Cli.checksums(dir), "verify changed a file");
    }

    private static String last(String text) {
        final String[] lines = text.split("\n");
        return lines[lines.length - 1];
    }
}
