package io.mappedjournal;

import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Journal#close()} from {@code durableFuture} callbacks, found by an outside review of
 * {@link CloseRaceTest}'s change. Each callback is registered while the master's sync is held at a
 * {@link RecordingSyncer} gate, so it runs on the journal's future thread every time.
 */
class CloseFromCallbacksTest {
    @TempDir
    Path tmp;

    private static JournalConfig plain(Path dir) {
        return JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(1024).build();
    }

    private static Journal gated(Path dir, RecordingSyncer syncer) throws Exception {
        final Journal j = Journal.open(JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(1024)
                .syncPolicy(SyncPolicy.none()).syncer(syncer).build());
        syncer.gate = new CountDownLatch(1); // after open: open syncs too
        return j;
    }

    /**
     * Journal A's callback closes B while B's callback closes A: neither close waits for the other's
     * future thread (which is running the matching close), so neither takes the 10 s timeout.
     */
    @Test
    void callbacksOfTwoJournalsClosingEachOther() throws Exception {
        final RecordingSyncer sa = new RecordingSyncer();
        final RecordingSyncer sb = new RecordingSyncer();
        final Journal a = gated(tmp.resolve("a"), sa);
        final Journal b = gated(tmp.resolve("b"), sb);
        final CyclicBarrier both = new CyclicBarrier(2);
        final CompletableFuture<String> aClosedB = new CompletableFuture<>();
        final CompletableFuture<String> bClosedA = new CompletableFuture<>();
        a.durableFuture(a.append(new byte[]{1})).thenRun(() -> closeOther(both, b, aClosedB));
        b.durableFuture(b.append(new byte[]{2})).thenRun(() -> closeOther(both, a, bClosedA));
        sa.gate.countDown(); // opens the gate
        sb.gate.countDown();
        final String r1 = aClosedB.get(30, TimeUnit.SECONDS);
        final String r2 = bClosedA.get(30, TimeUnit.SECONDS);
        a.close();
        b.close();
        assertFalse(r1.contains("SLOW") || r2.contains("SLOW"), r1 + " / " + r2);
    }

    private static void closeOther(CyclicBarrier both, Journal other, CompletableFuture<String> result) {
        try {
            both.await(10, TimeUnit.SECONDS); // both callbacks are running on their future threads
            final long t0 = System.nanoTime();
            other.close();
            final long ms = (System.nanoTime() - t0) / 1_000_000;
            result.complete((ms > 5000 ? "SLOW " : "") + Thread.currentThread().getName() + " closed the other journal in "
                    + ms + " ms");
        } catch (Throwable t) {
            result.completeExceptionally(t);
        }
    }

    /**
     * The callback closes first (it takes the teardown without waiting) and goes on a while; a close
     * on another thread then returns only after the journal's future thread has ended.
     */
    @Test
    void aCloseOnAnotherThreadReturnsAfterTheFutureThreadEnded() throws Exception {
        final Path dir = tmp.resolve("thread");
        final RecordingSyncer s = new RecordingSyncer();
        final Journal journal = gated(dir, s);
        final CountDownLatch callbackClosed = new CountDownLatch(1);
        journal.durableFuture(journal.append(new byte[]{7})).thenRun(() -> {
            try {
                journal.close();
                callbackClosed.countDown();
                Thread.sleep(300); // the callback goes on after its close
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        s.gate.countDown();
        assertTrue(callbackClosed.await(5, TimeUnit.SECONDS));
        final long t0 = System.nanoTime();
        journal.close();
        final long ms = (System.nanoTime() - t0) / 1_000_000;
        final String name = "mapped-journal-futures:" + dir.getFileName();
        final boolean alive = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.isAlive());
        assertFalse(alive, "close on the main thread returned normally after " + ms + " ms, but the thread '" + name
                + "' is still alive");
    }

    /** Closes {@code journal}: "normal", or "threw " and what it threw. */
    private static String closeAndSay(Journal journal) {
        try {
            journal.close();
            return "normal";
        } catch (Throwable t) {
            return "threw " + t;
        }
    }

    /** Starts a thread named "closer" that closes {@code journal} and completes {@code answer} as {@link #closeAndSay} says. */
    private static Thread startCloser(Journal journal, CompletableFuture<String> answer) {
        final Thread t = new Thread(() -> answer.complete(closeAndSay(journal)), "closer");
        t.start();
        return t;
    }

    /** Until a close has begun on another thread. */
    private static void spinWhileOpen(Journal journal) {
        while (journal.isOpen()) {
            Thread.onSpinWait();
        }
    }

    private static void awaitMasterHeld(RecordingSyncer s) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!s.masterHeld() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(s.masterHeld(), "the master never reached the gate");
    }

    /** The journal fails during a close while a callback closes it too: the IOException exactly once, the lock released. */
    @Test
    void aFailureDuringCloseIsThrownOnceWhileACallbackClosesToo() throws Exception {
        for (int round = 0; round < 5; round++) {
            final Path dir = tmp.resolve("fail" + round);
            final RecordingSyncer s = new RecordingSyncer();
            final Journal journal = gated(dir, s);
            final CompletableFuture<String> callback = new CompletableFuture<>();
            final CompletableFuture<Void> f1 = journal.durableFuture(journal.append(new byte[]{1}));
            awaitMasterHeld(s);
            f1.whenComplete((v, e) -> {
                spinWhileOpen(journal);
                callback.complete(closeAndSay(journal));
            });
            journal.append(new byte[]{2});
            s.failOnCall = s.calls.get() + 1;
            final CompletableFuture<String> closer = new CompletableFuture<>();
            startCloser(journal, closer);
            spinWhileOpen(journal);
            s.gate.countDown();
            final String c = closer.get(30, TimeUnit.SECONDS);
            final String cb = callback.get(30, TimeUnit.SECONDS);
            final int threw = (c.startsWith("threw") ? 1 : 0) + (cb.startsWith("threw") ? 1 : 0);
            assertEquals(1, threw, "closer " + c + " | callback " + cb);
            journal.close(); // a third close: normal
            try (Journal again = Journal.open(plain(dir))) {
                assertTrue(again.recoveryReport().nextSequence() >= 1);
            }
        }
    }

    /** A close interrupted while waiting for the master; then a callback's close and a later close release everything. */
    @Test
    void aCloseInterruptedThenACallbackCloseThenAnotherClose() throws Exception {
        final Path dir = tmp.resolve("interrupted");
        final RecordingSyncer s = new RecordingSyncer();
        final Journal journal = gated(dir, s);
        final CompletableFuture<String> callback = new CompletableFuture<>();
        final CompletableFuture<Void> f1 = journal.durableFuture(journal.append(new byte[]{1}));
        awaitMasterHeld(s);
        f1.whenComplete((v, e) -> callback.complete(closeAndSay(journal) + " on " + Thread.currentThread().getName()));
        final CompletableFuture<String> closer = new CompletableFuture<>();
        final Thread t = startCloser(journal, closer);
        spinWhileOpen(journal);
        Thread.sleep(50);
        t.interrupt();
        final String c = closer.get(10, TimeUnit.SECONDS);
        s.gate.countDown();
        final String cb = callback.get(10, TimeUnit.SECONDS);
        assertTrue(c.startsWith("threw java.io.InterruptedIOException"), c);
        assertTrue(cb.startsWith("normal on mapped-journal-futures"), cb);
        final long t0 = System.nanoTime();
        journal.close();
        final long ms = (System.nanoTime() - t0) / 1_000_000;
        try (Journal again = Journal.open(plain(dir))) {
            assertEquals(1, again.recoveryReport().nextSequence());
        }
        assertTrue(ms < 5000, ms + " ms");
    }
}
