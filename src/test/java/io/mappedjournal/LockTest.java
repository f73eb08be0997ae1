package io.mappedjournal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The directory lock: one writer at a time, across threads and processes; a crash leaves no stale lock. */
class LockTest {
    @TempDir
    Path dir;

    /** Child: opens the journal and reports what happened on stdout; with "hold" it appends and waits to be killed. */
    public static void main(String[] args) throws Exception {
        final Path dir = Path.of(args[0]);
        try (Journal j = Journal.open(dir)) {
            System.out.println("OPENED");
            System.out.flush();
            if (args.length > 1 && args[1].equals("hold")) {
                j.awaitDurable(j.append(new byte[]{1, 2, 3}), 10, TimeUnit.SECONDS);
                System.out.println("HOLDING");
                System.out.flush();
                Thread.sleep(60_000);
            }
        } catch (JournalLockedException e) {
            System.out.println("LOCKED " + e.getMessage());
        }
    }

    private static String runChild(Path dir) throws Exception {
        final Process p = ChildJvm.start(LockTest.class, null, dir.toString());
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void secondWriterInThisProcessAndInAnotherProcessGetsAClearErrorAndTheLockSurvivesTheProbe() throws Exception {
        try (Journal j = Journal.open(dir)) {
            final JournalLockedException e = assertThrows(JournalLockedException.class, () -> Journal.open(dir));
            assertTrue(e.getMessage().contains("already open in this process"), e.getMessage());
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
            // The in-process probe must not have released the OS lock (POSIX drops fcntl locks
            // when any descriptor of the file is closed): another process is still refused.
            final String child = runChild(dir);
            assertTrue(child.startsWith("LOCKED ") && child.contains("another process"), child);
            assertTrue(j.awaitDurable(j.append(new byte[]{7}), 10, TimeUnit.SECONDS));
        }
        assertEquals("OPENED", runChild(dir));
        try (Journal j = Journal.open(dir)) {
            assertEquals(1, j.recoveryReport().nextSequence());
        }
    }

    @Test
    void aKilledWriterLeavesNoStaleLock() throws Exception {
        final Process p = ChildJvm.start(LockTest.class, null, dir.toString(), "hold");
        try {
            final BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("OPENED", r.readLine());
            assertEquals("HOLDING", r.readLine());
            assertThrows(JournalLockedException.class, () -> Journal.open(dir));
        } finally {
            ChildJvm.kill9(p);
        }
        try (Journal j = Journal.open(dir)) {
            assertEquals(1, j.recoveryReport().nextSequence());
        }
    }
}
