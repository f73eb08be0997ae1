package io.mappedjournal.tools;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code journal dump DIR | head -1}: once stdout's reader is gone every write fails (EPIPE), and
 * System.out, a PrintStream, swallows that; the tool's stdout writer must still see it, so dump
 * stops within a check interval instead of walking the whole journal into a dead pipe.
 */
class DumpBrokenPipeTest {
    @TempDir
    Path tmp;

    /** Like a pipe whose reader exited after the first line: accepts 100 bytes, then every write fails. */
    static final class ClosedAfter extends OutputStream {
        long accepted;
        long refused;

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (accepted + len <= 100) {
                accepted += len;
                return;
            }
            refused += len;
            throw new IOException("Broken pipe");
        }
    }

    @Test
    void dumpStopsSoonAfterStdoutBreaks() throws Exception {
        final Path dir = tmp.resolve("j");
        try (Journal journal = Journal.open(JournalConfig.builder(dir).build())) {
            for (int i = 0; i < 20_000; i++) {
                journal.append(Payloads.of(0, i, 40));
            }
            journal.flush();
        }
        final ClosedAfter pipe = new ClosedAfter();
        final PrintStream realOut = System.out;
        final int exit;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(pipe, false)); // as the JVM's System.out: swallows IOExceptions
            final picocli.CommandLine cmd = JournalCli.commandLine();
            cmd.setErr(new PrintWriter(err, true));
            exit = cmd.execute("dump", dir.toString());
        } finally {
            System.setOut(realOut);
        }
        assertEquals(0, exit);
        assertEquals("", err.toString(), "quiet: no error for a closed pipe");
        // 20,000 records of ~100 bytes: the whole dump is ~2 MB; stopping at the first check after
        // the failure leaves it at a few thousand records at most.
        assertTrue(pipe.refused < 400_000, "bytes written into the broken pipe: " + pipe.refused);
    }
}
