package io.mappedjournal;

import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** A reader in another process tails the journal while this process appends, across rolls. */
class CrossProcessReaderTest {
    @TempDir
    Path dir;

    private static final int RECORDS = 30_000;

    @Test
    void shouldTailTheJournalFromAnotherProcess() throws Exception {
        try (Journal journal = Journal.open(JournalConfig.builder(dir).segmentSize(256 << 10).maxRecordSize(1024)
                .syncPolicy(SyncPolicy.none()).build())) {
            journal.append(TestPayloads.of(4, 0, 100)); // the directory holds a segment before the child starts
            journal.flush();
            final List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of(JvmFlags.REQUIRED));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), TailMain.class.getName(),
                    dir.toString(), Integer.toString(RECORDS)));
            final Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            for (int n = 1; n < RECORDS; n++) {
                journal.append(TestPayloads.of(4, n, 100));
                if (n % 1000 == 0) {
                    Thread.sleep(5); // let the child catch up mid-stream, not only at the end
                }
            }
            journal.flush();
            assertTrue(journal.metrics().rolls >= 5);
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child finished");
            final String out;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                out = r.lines().reduce("", (a, b) -> a + b + "\n");
            }
            assertEquals(0, child.exitValue(), out);
            assertTrue(out.contains("read " + RECORDS + " records"), out);
        }
    }

    /** Child main: tails the journal read-only until it has seen {@code count} records, checking each. */
    public static final class TailMain {
        public static void main(String[] args) throws Exception {
            final int count = Integer.parseInt(args[1]);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
            int seen = 0;
            try (JournalReader reader = JournalReader.open(Paths.get(args[0]), 0)) {
                while (seen < count && System.nanoTime() < deadline) {
                    final JournalRecord r = reader.next();
                    if (r == null) {
                        Thread.sleep(1);
                        continue;
                    }
                    if (r.sequence() != seen || !java.util.Arrays.equals(TestPayloads.of(4, seen, 100), r.payload())) {
                        System.out.println("mismatch at " + seen + ": " + r);
                        System.exit(1);
                    }
                    seen++;
                }
            }
            System.out.println("read " + seen + " records");
            System.exit(seen == count ? 0 : 2);
        }
    }
}
