package io.mappedjournal;

import io.mappedjournal.master.Master;
import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 14, item 4: {@code flush(timeout)} racing {@code close()}. The master's last step records
 * every flush requested so far as complete, then sets CLOSED. A flush whose request comes between
 * the two (the journal is CLOSING, which flush does not refuse) is never marked complete; it must
 * still return true, since close drained and synced everything accepted (the documentation
 * promises true once closed), and {@code flush()} must not throw.
 *
 * <p>The interleaving is forced: the close's final sync is held at a gate; the test takes the
 * journal state's monitor and opens the gate, so the master blocks in {@code JournalState.closed()}
 * right after it completed the flushes; the flush then takes its request and waits; the monitor is
 * released.
 */
class CloseFlushRaceTest {
    @TempDir
    Path dir;

    @Test
    void aFlushRequestedBetweenTheLastFlushCompletionAndClosedReturnsTrue() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        final Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).syncer(syncer).build());
        final long receipt = journal.append(new byte[]{1, 2, 3});
        final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        syncer.gate = gate; // the close's final sync (on the master) waits here
        final Object stateMonitor = journal.state();
        final Thread masterThread = findThread(Master.THREAD_NAME_PREFIX);
        final CompletableFuture<Boolean> flushed;
        final Thread closer = new Thread(() -> {
            try {
                journal.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "test-closer");
        closer.start(); // takes the state's monitor to begin the close, then waits for the master
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!syncer.masterHeld()) {
            assertTrue(System.nanoTime() < deadline, "the master never reached the close's final sync");
            Thread.sleep(1);
        }
        synchronized (stateMonitor) {
            gate.countDown();
            awaitInFrame(masterThread, Thread.State.BLOCKED, "closed");  // the flushes were completed; CLOSED is next
            flushed = CompletableFuture.supplyAsync(() -> {
                try {
                    return journal.flush(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            final Thread flusher = awaitThreadInFrame("await");             // its request is taken; it waits
            assertTrue(flusher.isAlive());
        }
        assertTrue(flushed.get(10, TimeUnit.SECONDS), "a flush that raced close returns true once closed");
        closer.join(10_000);
        assertFalse(journal.isOpen());
        assertTrue(journal.awaitDurable(receipt, 1, TimeUnit.SECONDS), "close synced the record");
    }

    private static Thread findThread(String prefix) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                return t;
            }
        }
        return fail("no thread named " + prefix + "*");
    }

    /** Waits until {@code t} is in {@code state} inside a method named {@code method} of the journal's code. */
    private static void awaitInFrame(Thread t, Thread.State state, String method) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(t.getState() == state && inFrame(t, method))) {
            assertTrue(System.nanoTime() < deadline, t.getName() + " never reached " + method + " in state " + state);
            Thread.sleep(1);
        }
    }

    /** Waits for a thread (any) parked inside Master.await. */
    private static Thread awaitThreadInFrame(String method) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getState() == Thread.State.TIMED_WAITING && inFrame(t, method)) {
                    return t;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no thread reached Master." + method);
            Thread.sleep(1);
        }
    }

    private static boolean inFrame(Thread t, String method) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("io.mappedjournal.") && e.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }
}
