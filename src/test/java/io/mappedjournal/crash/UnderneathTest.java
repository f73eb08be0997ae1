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
        for (int i = 0; i < 50; i++) {
            reader.next();
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
        final String[] readResult = {"READER-OK"};
        final Thread readerThread = new Thread(() -> {
            try {
                for (JournalRecord r; (r = reader.next()) != null; ) {
                    assertNotNull(r);
                }
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
        String fresh = "FRESH-READER-OK";
        try (JournalReader r2 = JournalReader.open(dir, 0)) {
            while (r2.next() != null) {
                Thread.onSpinWait();
            }
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
            final Path seg = Path.of(ready.substring(6));
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
        assertTrue(report.toString().contains("EXIT"), report.toString());
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

    @Test
    void deletedSegment() throws Exception {
        final String r = runCase("deleted");
        assertTrue(line(r, "WRITER-").startsWith("WRITER-FAILED") && r.contains("deleted underneath")
                && r.contains("00000000000000000000.seg"), r);
        assertTrue(line(r, "FRESH-READER-").startsWith("FRESH-READER-OK") || line(r, "FRESH-READER-").contains(".seg"), r);
    }

    @Test
    void truncatedSegment() throws Exception {
        final String r = runCase("truncated");
        assertTrue(line(r, "WRITER-").startsWith("WRITER-FAILED") && line(r, "WRITER-").contains("00000000000000000000.seg")
                && line(r, "WRITER-").contains("truncated"), r);
        assertTrue(line(r, "READER-").startsWith("READER-CORRUPT") && line(r, "READER-").contains("00000000000000000000.seg"), r);
        assertTrue(line(r, "FRESH-READER-").startsWith("FRESH-READER-CORRUPT")
                && line(r, "FRESH-READER-").contains("expected=1048576 actual=8192"), r);
    }

    @Test
    void swappedSegment() throws Exception {
        final String r = runCase("swapped");
        assertTrue(line(r, "WRITER-").startsWith("WRITER-FAILED") && line(r, "WRITER-").contains("replaced underneath")
                && line(r, "WRITER-").contains("00000000000000000000.seg"), r);
    }
}
