package io.mappedjournal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Journal#close()} is idempotent from any thread: two threads closing at once (an
 * application's shutdown hook beside its main thread) both return, and a close from a
 * {@link Journal#durableFuture} callback, which runs on the journal's own future thread, returns
 * without waiting for that thread to finish (itself).
 */
class CloseRaceTest {
    @TempDir
    Path tmp;

    private static JournalConfig config(Path dir) {
        return JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(1024).build();
    }

    /** Closes {@code journal} and completes {@code closedOn} with the thread it closed on, or with what close threw. */
    private static void closeAndReport(Journal journal, CompletableFuture<Thread> closedOn) {
        try {
            journal.close();
            closedOn.complete(Thread.currentThread());
        } catch (Throwable t) {
            closedOn.completeExceptionally(t);
        }
    }

    /** Under none nothing syncs until a wait asks, so a durable future completes on the future thread. */
    private static Journal openUnderNone(Path dir) throws java.io.IOException {
        return Journal.open(JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(1024)
                .syncPolicy(io.mappedjournal.policy.SyncPolicy.none()).build());
    }

    @Test
    void twoThreadsClosingAtOnceBothReturnAndTheRecordsSurvive() throws Exception {
        final ExecutorService closers = Executors.newFixedThreadPool(2);
        // the log (slf4j-simple writes to System.err as it is at each write): a second teardown
        // shows as a warning that the JMX bean was already unregistered
        final java.io.PrintStream err = System.err;
        final java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public synchronized void write(int b) {
                err.write(b);
                log.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                err.write(b, off, len);
                log.write(b, off, len);
            }
        }, true));
        try {
            for (int i = 0; i < 40; i++) {
                final Path dir = tmp.resolve("j" + i);
                final Journal journal = Journal.open(config(dir));
                journal.append(new byte[]{1, 2, 3});
                final CyclicBarrier together = new CyclicBarrier(2);
                final Future<?> a = closers.submit(() -> {
                    together.await();
                    journal.close();
                    return null;
                });
                final Future<?> b = closers.submit(() -> {
                    together.await();
                    journal.close();
                    return null;
                });
                for (Future<?> f : new Future<?>[]{a, b}) {
                    try {
                        f.get(30, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        fail("round " + i + ": a close racing another close threw " + e.getCause(), e.getCause());
                    }
                }
                try (Journal reopened = Journal.open(config(dir))) { // the lock was released
                    assertEquals(1, reopened.recoveryReport().nextSequence(), "round " + i);
                }
            }
        } finally {
            System.setErr(err);
            closers.shutdownNow();
        }
        assertFalse(log.toString().contains("could not unregister"),
                "a close racing another one tore the journal down a second time:\n" + log);
    }

    @Test
    void closeFromADurableFutureCallbackReturnsWithoutWaitingForItself() throws Exception {
        int onFutureThread = 0;
        for (int i = 0; i < 20 && onFutureThread < 3; i++) {
            final Path dir = tmp.resolve("callback" + i);
            final Journal journal = openUnderNone(dir);
            final CompletableFuture<Thread> closedOn = new CompletableFuture<>();
            // Under none nothing syncs until a wait asks: the future usually completes after thenRun
            // registered, and the callback then runs on the journal's own future thread.
            journal.durableFuture(journal.append(new byte[]{7})).thenRun(() -> closeAndReport(journal, closedOn));
            // The journal waits at most 10 s for its future thread: a close that waited for
            // itself would return only then.
            final Thread thread = closedOn.get(5, TimeUnit.SECONDS);
            onFutureThread += thread.getName().startsWith("mapped-journal-futures") ? 1 : 0;
            try (Journal reopened = Journal.open(config(dir))) {
                assertEquals(1, reopened.recoveryReport().nextSequence(), "attempt " + i);
            }
        }
        assertTrue(onFutureThread > 0, "no callback ran on the journal's future thread in 20 attempts");
    }

    @Test
    void aCallbackClosingWhileAnotherThreadClosesNeitherWaitsForTheOther() throws Exception {
        int raced = 0;
        for (int i = 0; i < 10 && raced < 2; i++) {
            final Path dir = tmp.resolve("both" + i);
            final Journal journal = openUnderNone(dir);
            final java.util.concurrent.CountDownLatch inCallback = new java.util.concurrent.CountDownLatch(1);
            final CompletableFuture<Thread> callbackClosed = new CompletableFuture<>();
            journal.durableFuture(journal.append(new byte[]{7})).thenRun(() -> {
                inCallback.countDown();
                // the test thread is now closing: it holds the teardown and waits for this thread
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (journal.isOpen() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                closeAndReport(journal, callbackClosed);
            });
            if (!inCallback.await(5, TimeUnit.SECONDS)) {
                fail("the durable future never completed");
            }
            final long start = System.nanoTime();
            journal.close();
            final long closeNanos = System.nanoTime() - start;
            final Thread thread = callbackClosed.get(5, TimeUnit.SECONDS);
            if (thread.getName().startsWith("mapped-journal-futures")) {
                raced++;
                // The journal waits at most 10 s for its future thread: with the callback's close
                // waiting for this close's teardown, this close would return only then.
                assertTrue(closeNanos < TimeUnit.SECONDS.toNanos(5), "close took " + closeNanos / 1_000_000
                        + " ms while a callback closed the journal too");
            }
            try (Journal reopened = Journal.open(config(dir))) {
                assertEquals(1, reopened.recoveryReport().nextSequence(), "attempt " + i);
            }
        }
        assertTrue(raced > 0, "no callback ran on the journal's future thread in 10 attempts");
    }
}
