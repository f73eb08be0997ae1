package io.mappedjournal.tools;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes through the {@code tools/journal} launcher (run by failsafe after
 * {@code package}, so the launcher finds a fresh jar). The node's sample sessions must finish
 * within 5 s each, JVM start included.
 */
class LauncherIT {
    static final Path LAUNCHER = Path.of(System.getProperty("basedir", ".")).resolve("journal").toAbsolutePath();

    @TempDir
    Path tmp;

    static final class Proc {
        final int exit;
        final String out;
        final String err;
        final long millis;

        Proc(int exit, String out, String err, long millis) {
            this.exit = exit;
            this.out = out;
            this.err = err;
            this.millis = millis;
        }

        @Override
        public String toString() {
            return "exit=" + exit + " in " + millis + " ms\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Proc launch(String stdin, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        final Path out = Files.createTempFile("launcher-out", ".txt");
        final Path err = Files.createTempFile("launcher-err", ".txt");
        final Path in = Files.createTempFile("launcher-in", ".txt");
        try {
            Files.writeString(in, stdin == null ? "" : stdin);
            final long start = System.nanoTime();
            final Process p = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command);
            }
            final long millis = (System.nanoTime() - start) / 1_000_000;
            return new Proc(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), millis);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(in);
        }
    }

    /** Builds before anything is timed (a no-op when the jar is fresh, as it is after package). */
    @BeforeAll
    static void build() throws Exception {
        final Proc p = launch(null, 600, "--version");
        assertEquals(0, p.exit, p.toString());
        assertEquals("mapped-journal 0.1.0\n", p.out);
    }

    @Test
    void theLauncherDoesNotRebuildAFreshJar() throws Exception {
        final Proc p = launch(null, 60, "--version");
        assertEquals(0, p.exit, p.toString());
        assertFalse(p.err.contains("building"), p.err);
    }

    @Test
    void sampleSessionOne() throws Exception {
        sampleSession(100, "[\"always\",\"batch_10ms\",\"none\"]", List.of("always", "batch_10ms", "none"));
    }

    @Test
    void sampleSessionTwo() throws Exception {
        sampleSession(50, "[\"always\"]", List.of("always"));
    }

    private static void sampleSession(int entries, String strategies, List<String> names) throws Exception {
        final String input = "{\"src\":\"c0\",\"dest\":\"n1\",\"body\":{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\","
                + "\"node_ids\":[\"n1\"]}}\n"
                + "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"fsync_benchmark\",\"msg_id\":2,\"entries\":" + entries
                + ",\"strategies\":" + strategies + "}}\n";
        final Proc p = launch(input, 60, "node");
        assertEquals(0, p.exit, p.toString());
        final String[] lines = p.out.split("\n", -1);
        assertEquals(3, lines.length, p.toString());
        assertEquals("{\"src\": \"n1\", \"dest\": \"c0\", \"body\": {\"type\": \"init_ok\", \"in_reply_to\": 1, \"msg_id\": 0}}",
                lines[0]);
        NodeTest.assertSampleReply(lines[1], 2, names);
        assertTrue(p.millis < 5000, "the session took " + p.millis + " ms, JVM start included (limit 5000 ms)\n" + p);
    }

    @Test
    void exitCodesAndOneLineErrorsFromARealProcess() throws Exception {
        final Path torn = Cli.copyFixture("torn-tail", tmp);
        final Proc verify = launch(null, 60, "verify", torn.toString());
        assertEquals(1, verify.exit, verify.toString());
        assertTrue(verify.out.contains("ANOMALY 00000000000000000716.seg offset 16736: CRC mismatch"), verify.out);
        assertEquals("", verify.err);

        final Path missing = tmp.resolve("missing");
        final Proc io = launch(null, 60, "stats", missing.toString());
        assertEquals(3, io.exit, io.toString());
        assertEquals("journal: journal directory not found: " + missing + "\n", io.err);

        final Proc usage = launch(null, 60, "dump", "--format", "xml", torn.toString());
        assertEquals(2, usage.exit, usage.toString());
        assertEquals(1, usage.err.split("\n").length, usage.err);

        final Proc clean = launch(null, 60, "verify", Cli.fixture("clean").toString());
        assertEquals(0, clean.exit, clean.toString());
        assertTrue(clean.out.endsWith("result: clean\n"), clean.out);
    }
}
