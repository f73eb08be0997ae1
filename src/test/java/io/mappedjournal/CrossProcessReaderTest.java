package io.mappedjournal;

import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A reader in this process tails a live journal that a child JVM is still writing, across rolls.
 *
 * <p>The interleaving is made, not hoped for: the child appends only when told to (one batch per
 * line on its stdin) and says on stdout when it has. Before each batch is asked for, the reader
 * must be at the end of the data ({@code next()} null, the writer idle with the journal open);
 * after it, the reader must see that batch's records appear, in order and intact. So every record
 * after the first batch is one the reader saw appear after it had already read to the end.
 */
class CrossProcessReaderTest {
    @TempDir
    Path dir;

    private static final int SEGMENT = 64 << 10;
    private static final int BATCHES = 5;
    private static final int BATCH = 1500; // ~120 KiB of frames: each batch crosses at least one roll
    private static final int SPREAD = 200;
    private static final String READY = "mj-writer: open";
    private static final String APPENDED = "mj-writer: appended ";

    @Test
    void shouldTailAJournalThatAnotherProcessIsStillWriting() throws Exception {
        final File stderr = dir.resolve("writer.err").toFile();
        final Path journalDir = Files.createDirectories(dir.resolve("journal"));
        final Process writer = ChildJvm.start(WriterMain.class, stderr, journalDir.toString());
        try (BufferedReader fromWriter = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
             Writer toWriter = new OutputStreamWriter(writer.getOutputStream(), StandardCharsets.UTF_8)) {
            assertEquals(READY, line(fromWriter, writer, stderr), "the writer's first line");
            final Set<Path> segments = new HashSet<>();
            long nullsWhileAppending = 0;
            try (JournalReader reader = JournalReader.open(journalDir, 0)) {
                long seen = 0;
                for (int batch = 0; batch < BATCHES; batch++) {
                    // The writer is idle (it waits for this line) with its journal open: the reader
                    // is at the end of the data, having read every record appended so far.
                    assertTrue(writer.isAlive(), "the writer is still running before batch " + batch);
                    assertNull(reader.next(), "before batch " + batch + " was asked for, nothing is beyond record " + seen);
                    toWriter.write("append " + BATCH + "\n");
                    toWriter.flush();
                    // The batch appears while the writer appends it (and the reader may catch up
                    // with the writer: null, then more).
                    final long end = seen + BATCH;
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (seen < end) {
                        final JournalRecord r = reader.next();
                        if (r == null) {
                            assertTrue(System.nanoTime() < deadline, "batch " + batch + ": the reader saw records up to "
                                    + seen + " of " + end + " within 30 s; writer alive=" + writer.isAlive() + "; " + tail(stderr));
                            nullsWhileAppending++;
                            LockSupport.parkNanos(50_000);
                            continue;
                        }
                        assertEquals(seen, r.sequence(), "sequence");
                        assertArrayEquals(TestPayloads.of(4, seen, SPREAD), r.payload(), "content of record " + seen);
                        segments.add(r.segment());
                        seen++;
                    }
                    assertEquals(APPENDED + end, line(fromWriter, writer, stderr), "the writer's report of batch " + batch);
                }
                assertTrue(writer.isAlive(), "the writer was still running when the reader had read the last batch");
                assertNull(reader.next(), "nothing beyond the last batch");
                toWriter.write("close\n");
                toWriter.flush();
                assertTrue(writer.waitFor(30, TimeUnit.SECONDS), "the writer closed its journal and exited");
                assertEquals(0, writer.exitValue(), tail(stderr));
                assertNull(reader.next(), "nothing beyond the last batch after the writer closed");
                assertEquals((long) BATCHES * BATCH, seen);
            }
            // The reader followed the writer's rolls live, not only a finished file.
            assertTrue(segments.size() > BATCHES, "segments the reader read from: " + segments.size());
            System.out.println("CrossProcessReaderTest: " + BATCHES * BATCH + " records in " + segments.size()
                    + " segments; the reader was at the end of the data " + BATCHES + " times between batches and "
                    + nullsWhileAppending + " times while the writer appended");
        } finally {
            if (writer.isAlive()) {
                ChildJvm.kill9(writer);
            }
        }
    }

    /** The writer's next stdout line (it fails the test if the writer exits first). */
    private static String line(BufferedReader fromWriter, Process writer, File stderr) throws IOException {
        final String line = fromWriter.readLine();
        if (line == null) {
            fail("the writer exited (alive=" + writer.isAlive() + "): " + tail(stderr));
        }
        return line;
    }

    private static String tail(File stderr) {
        try {
            final String s = Files.readString(stderr.toPath());
            return "writer stderr: " + s.substring(Math.max(0, s.length() - 2000));
        } catch (IOException e) {
            return "writer stderr unreadable: " + e;
        }
    }

    /**
     * Child main: opens the journal, says so, then appends a batch for each "append N" line on
     * stdin and says so once they are appended (a record is visible to readers once the master
     * has written it; the reader waits for that itself); "close" closes the journal and exits.
     */
    public static final class WriterMain {
        public static void main(String[] args) throws Exception {
            final PrintStream out = System.out;
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try (Journal journal = Journal.open(JournalConfig.builder(Paths.get(args[0])).segmentSize(SEGMENT)
                    .maxRecordSize(1024).syncPolicy(SyncPolicy.none()).build())) {
                out.println(READY);
                out.flush();
                long next = 0;
                for (String command; (command = in.readLine()) != null; ) {
                    final String[] words = command.trim().split(" ");
                    if (words[0].equals("close")) {
                        break;
                    }
                    if (!words[0].equals("append")) {
                        throw new IllegalArgumentException("unknown command: " + Arrays.toString(words));
                    }
                    final long end = next + Long.parseLong(words[1]);
                    for (; next < end; next++) {
                        journal.append(TestPayloads.of(4, next, SPREAD));
                    }
                    out.println(APPENDED + end);
                    out.flush();
                }
            }
            System.exit(0);
        }
    }
}
