package io.mappedjournal.crash;

import io.mappedjournal.ChildJvm;
import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalFailedException;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.SegmentFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A segment file deleted, truncated or swapped underneath an open journal (and a reader): a
 * clear error naming the file, never a JVM crash. Runs the journal in a child JVM so that a
 * crash (a SIGBUS HotSpot cannot turn into an exception) fails this test instead of killing
 * the test runner; the child's exit code and stderr (hs_err) are checked.
 */
class UnderneathTest {
    @TempDir
    Path tmp;

    /**
     * Child: opens the journal, appends durably, starts a reader that maps the active segment,
     * says READY, waits for a line on stdin (the parent has changed the file), then appends and
     * reads on, and reports what each saw.
     */
    public static void main(String[] args) throws Exception {
        // An InternalError delivered late (outside the calls that faulted) must not go unseen.
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            System.out.println("UNCAUGHT in " + t.getName() + ": " + e);
            System.out.flush();
        });
        final PrintStream out = System.out;
        final Path dir = Path.of(args[0]);
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        final byte[] payload = new byte[200];
        final Journal j = Journal.open(JournalConfig.builder(dir).segmentSize(1 << 20).syncPolicy(SyncPolicy.always())
                .build());
        for (int i = 0; i < 100; i++) {
            payload[0] = (byte) i;
            assertTrue(j.awaitDurable(j.append(payload), 10, TimeUnit.SECONDS));
        }
        final JournalReader reader = j.reader(0);
        final long[] readerRecords = {0};
        for (int i = 0; i < 50; i++) {
            if (reader.next() != null) {
                readerRecords[0]++;
            }
        }
        out.println("READY " + SegmentFiles.segmentPath(dir, 0));
        out.flush();
        in.readLine();
        String writer = "WRITER-OK";
        try {
            for (int i = 0; i < 10_000; i++) {
                j.awaitDurable(j.append(payload), 10, TimeUnit.SECONDS);
            }
        } catch (JournalFailedException e) {
            writer = "WRITER-FAILED " + e.getCause();
        } catch (Throwable t) {
            writer = "WRITER-OTHER " + t;
        }
        out.println(writer);
        // The reader runs in a thread of its own: HotSpot may deliver a fault as an InternalError
        // at a later point of the faulting thread, which must not be mistaken for a crash.
        final String[] readResult = {null};
        final Thread readerThread = new Thread(() -> {
            try {
                for (JournalRecord r; (r = reader.next()) != null; ) {
                    readerRecords[0]++;
                }
                readResult[0] = "READER-OK records=" + readerRecords[0];
            } catch (CorruptJournalException e) {
                readResult[0] = "READER-CORRUPT " + e.getMessage();
            } catch (Throwable t) {
                readResult[0] = "READER-OTHER " + t;
            }
        }, "reader");
        readerThread.start();
        readerThread.join();
        final String read = readResult[0];
        out.println(read);
        String fresh;
        try (JournalReader r2 = JournalReader.open(dir, 0)) {
            long n = 0;
            while (r2.next() != null) {
                n++;
            }
            fresh = "FRESH-READER-OK records=" + n;
        } catch (CorruptJournalException e) {
            fresh = "FRESH-READER-CORRUPT " + e.getMessage();
        } catch (Throwable t) {
            fresh = "FRESH-READER-OTHER " + t;
        }
        out.println(fresh);
        out.flush();
        reader.close();
        try {
            j.close();
        } catch (Throwable t) {
            out.println("CLOSE " + t);
        }
        out.println("EXIT");
        out.flush();
    }

    /** The segment file the child's journal and reader had mapped (from its READY line). */
    private Path seg;

    private String runCase(String what) throws Exception {
        final Path dir = tmp.resolve(what);
        final File err = tmp.resolve(what + ".stderr").toFile();
        final Process p = ChildJvm.start(UnderneathTest.class, err, dir.toString());
        final StringBuilder report = new StringBuilder();
        try {
            final BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            final String ready = out.readLine();
            assertNotNull(ready, () -> "child died: " + read(err));
            assertTrue(ready.startsWith("READY "), ready);
            seg = Path.of(ready.substring(6));
            switch (what) {
                case "deleted":
                    Files.delete(seg);
                    break;
                case "truncated":
                    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
                        f.setLength(8192);
                    }
                    break;
                default: { // swapped: a copy (a different inode) renamed over it
                    final Path copy = seg.resolveSibling("copy.tmp");
                    Files.copy(seg, copy);
                    Files.move(copy, seg, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            p.getOutputStream().write('\n');
            p.getOutputStream().flush();
            for (String line; (line = out.readLine()) != null; ) {
                report.append(line).append('\n');
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        } finally {
            if (p.isAlive()) {
                ChildJvm.kill9(p);
            }
        }
        final String stderr = read(err);
        assertEquals(0, p.exitValue(), "the child JVM must not crash (" + what + "):\n" + report + stderr);
        assertFalse(stderr.contains("SIGBUS") || stderr.contains("hs_err"), stderr);
        // Exactly the four reports, in order: nothing UNCAUGHT (a fault delivered late to some
        // thread), no failed close.
        final String[] lines = report.toString().split("\n");
        assertEquals(4, lines.length, "the child's report:\n" + report);
        assertTrue(lines[0].startsWith("WRITER-") && lines[1].startsWith("READER-")
                && lines[2].startsWith("FRESH-READER-") && lines[3].equals("EXIT"), "the child's report:\n" + report);
        assertFalse(stderr.contains("UNCAUGHT") || stderr.contains("Exception in thread"), stderr);
        System.out.println("segment " + what + " underneath:\n" + report.toString().indent(2));
        return report.toString();
    }

    private static String read(File f) {
        try {
            return f.exists() ? Files.readString(f.toPath()) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String line(String report, String prefix) {
        for (String l : report.split("\n")) {
            if (l.startsWith(prefix)) {
                return l;
            }
        }
        return "";
    }

    /** The count in a {@code READER-OK records=N} or {@code FRESH-READER-OK records=N} line. */
    private static long records(String line) {
        return Long.parseLong(line.substring(line.indexOf("records=") + 8));
    }

    @Test
    void deletedSegment() throws Exception {
        final String r = runCase("deleted");
        assertEquals("WRITER-FAILED io.mappedjournal.segment.SegmentChangedException: segment file deleted underneath the"
                + " journal: path=" + seg, line(r, "WRITER-"), r);
        // The reader's mapping outlives the name: it reads on to the end of what was written,
        // at least the 100 records acknowledged before the delete.
        assertTrue(line(r, "READER-").startsWith("READER-OK records=") && records(line(r, "READER-")) >= 100, r);
        // A reader opened afterwards finds no segment 0: nothing to read, or an error naming it.
        final String fresh = line(r, "FRESH-READER-");
        assertTrue(fresh.equals("FRESH-READER-OK records=0")
                || fresh.startsWith("FRESH-READER-CORRUPT") && fresh.contains("path=" + seg), r);
    }

    @Test
    void truncatedSegment() throws Exception {
        final String r = runCase("truncated");
        assertTrue(line(r, "WRITER-").startsWith("WRITER-FAILED io.mappedjournal.segment.SegmentChangedException: segment"
                + " file truncated underneath the journal: path=" + seg + " expected length=1048576 actual length=8192"), r);
        assertTrue(line(r, "READER-").startsWith("READER-CORRUPT segment file truncated underneath the journal: path=" + seg
                + " expected length=1048576 actual length=8192"), r);
        assertEquals("FRESH-READER-CORRUPT segment file length differs from its header: path=" + seg
                + " expected=1048576 actual=8192", line(r, "FRESH-READER-"), r);
    }

    @Test
    void swappedSegment() throws Exception {
        final String r = runCase("swapped");
        assertTrue(line(r, "WRITER-").startsWith("WRITER-FAILED io.mappedjournal.segment.SegmentChangedException: segment"
                + " file replaced underneath the journal: path=" + seg + " expected inode="), r);
        // The reader keeps the old inode's mapping and reads on; a new reader reads the copy,
        // which holds at least the 100 records acknowledged before the swap.
        assertTrue(line(r, "READER-").startsWith("READER-OK records=") && records(line(r, "READER-")) >= 100, r);
        assertTrue(line(r, "FRESH-READER-").startsWith("FRESH-READER-OK records=")
                && records(line(r, "FRESH-READER-")) >= 100, r);
    }
}
