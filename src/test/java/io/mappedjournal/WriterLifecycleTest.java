package io.mappedjournal;

import io.mappedjournal.metrics.MetricsSnapshot;
import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class WriterLifecycleTest {
    @TempDir
    Path dir;

    @Test
    void shouldDrainARingWhoseThreadDiedAndReuseIt() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        final AtomicInteger firstRing = new AtomicInteger(-1);
        final AtomicInteger secondRing = new AtomicInteger(-1);
        try (Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).syncer(syncer)
                .maxWriters(1).stagingBufferSize(64 << 10).maxRecordSize(1024).build())) {
            // Hold the master itself in a sync: a flush makes it sync inline, behind the gate.
            syncer.gate = new CountDownLatch(1);
            final AtomicReference<Thread> flusher = new AtomicReference<>();
            final Thread dying = new Thread(() -> {
                firstRing.set(journal.writer().ringId());
                journal.append(TestPayloads.of(1, 0, 200));
                flusher.set(TestSeams.startFlusher(journal));
                while (!syncer.masterHeld()) {
                    Thread.onSpinWait(); // the master drained record 0 and is now held in the flush's sync
                }
                for (int n = 1; n < 200; n++) {
                    journal.append(TestPayloads.of(1, n, 200));
                }
                // the thread ends with records 1..199 still staged
            });
            dying.start();
            dying.join();
            assertTrue(journal.metrics().stagingUsedBytes() > 0, "records were still staged when the thread died");
            syncer.gate.countDown();
            flusher.get().join();
            // Only one ring exists: the next thread gets it once the master drained and reclaimed it.
            final Thread next = new Thread(() -> {
                secondRing.set(journal.writer().ringId());
                for (int n = 0; n < 100; n++) {
                    journal.append(TestPayloads.of(2, n, 200));
                }
            });
            next.start();
            next.join();
            journal.flush();
            assertEquals(1, journal.metrics().stagingRingsAllocated());
        }
        assertEquals(firstRing.get(), secondRing.get(), "the ring was reused");
        final Map<Integer, Integer> next = new HashMap<>();
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            for (JournalRecord r; (r = reader.next()) != null; ) {
                final byte[] p = r.payload();
                final int t = TestPayloads.producer(p);
                final int n = TestPayloads.number(p);
                assertEquals((int) next.getOrDefault(t, 0), n, "producer " + t + " in order, no old record leaked");
                assertArrayEquals(TestPayloads.of(t, n, 200), p);
                next.merge(t, 1, Integer::sum);
            }
        }
        assertEquals(Map.of(1, 200, 2, 100), next);
    }

    @Test
    void shouldDrainAnExplicitlyClosedWriterAndReuseItsRing() throws Exception {
        try (Journal journal = Journal.open(JournalConfig.builder(dir).maxWriters(1).build())) {
            final JournalWriter a = journal.openWriter();
            for (int n = 0; n < 50; n++) {
                a.append(TestPayloads.of(5, n, 40));
            }
            a.close();
            assertThrows(JournalClosedException.class, () -> a.append(new byte[1]));
            final JournalWriter b = journal.openWriter(); // waits until a's ring is drained and reclaimed
            assertEquals(a.ringId(), b.ringId());
            for (int n = 50; n < 80; n++) {
                b.append(TestPayloads.of(5, n, 40));
            }
            b.close();
            journal.flush();
        }
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            for (int n = 0; n < 80; n++) {
                assertArrayEquals(TestPayloads.of(5, n, 40), reader.next().payload());
            }
            assertNull(reader.next());
        }
    }

    @Test
    void shouldStayWithinTheStagingBoundWithTwoHundredShortLivedThreads() throws Exception {
        final int threads = 200;
        final int perThread = 100;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Journal journal = Journal.open(JournalConfig.builder(dir).maxWriters(8).stagingBufferSize(8192)
                .maxRecordSize(512).syncPolicy(SyncPolicy.none()).build())) {
            final List<Thread> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                final Thread th = new Thread(() -> {
                    try {
                        for (int n = 0; n < perThread; n++) {
                            journal.append(TestPayloads.of(id, n, 100));
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                all.add(th);
                th.start();
            }
            for (Thread th : all) {
                th.join();
            }
            // 200 threads were served by 8 rings (a ring-less thread would have failed after the
            // block timeout): the rings of dead threads were reclaimed. (No "allocated <= 8" check:
            // the pool's array has 8 slots, so it could not fail.) And every ring comes back:
            assertNull(failure.get(), () -> String.valueOf(failure.get()));
            journal.flush();
            awaitTrue(() -> journal.metrics().writersInUse() == 0, "every dead thread's ring reclaimed: "
                    + journal.metrics());
            assertEquals(8L * 8192, journal.config().stagingMemoryBound());
            assertEquals((long) threads * perThread, journal.metrics().appended());
        }
        final int[] counts = new int[threads];
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            for (JournalRecord r; (r = reader.next()) != null; ) {
                final byte[] p = r.payload();
                final int t = TestPayloads.producer(p);
                assertEquals(counts[t], TestPayloads.number(p));
                assertArrayEquals(TestPayloads.of(t, counts[t], 100), p);
                counts[t]++;
            }
        }
        for (int t = 0; t < threads; t++) {
            assertEquals(perThread, counts[t], "producer " + t);
        }
    }

    @Test
    void shouldRefuseAppendsAfterCloseAndLetRacingAppendsEitherLandOrFail() throws Exception {
        final Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).build());
        final int threads = 4;
        final int before = 200;
        final List<List<Integer>> landed = new ArrayList<>();
        final List<Thread> producers = new ArrayList<>();
        final CountDownLatch warm = new CountDownLatch(threads);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicInteger refusedRacing = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            final int id = t;
            final List<Integer> mine = new ArrayList<>();
            landed.add(mine);
            producers.add(new Thread(() -> {
                try {
                    for (int n = 0; ; n++) {
                        try {
                            journal.append(TestPayloads.of(id, n, 30));
                            mine.add(n);
                        } catch (JournalClosedException e) {
                            if (e.getMessage().startsWith("append raced close")) {
                                refusedRacing.incrementAndGet();
                            }
                            return;
                        }
                        if (n == before - 1) {
                            warm.countDown(); // this producer is appending flat out when close begins
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e); // anything but the closed refusal fails the test
                    warm.countDown();
                }
            }));
        }
        producers.forEach(Thread::start);
        assertTrue(warm.await(60, TimeUnit.SECONDS), "every producer appended " + before + " records");
        journal.close();
        for (Thread p : producers) {
            p.join();
        }
        assertNull(failure.get(), () -> "a producer failed: " + failure.get());
        final JournalClosedException closed = assertThrows(JournalClosedException.class, () -> journal.append(new byte[1]));
        assertTrue(closed.getMessage().startsWith("journal is closed"), closed.getMessage());
        journal.close(); // idempotent
        final int[] counts = new int[threads];
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            for (JournalRecord r; (r = reader.next()) != null; ) {
                final int t = TestPayloads.producer(r.payload());
                assertEquals(counts[t], TestPayloads.number(r.payload()));
                counts[t]++;
            }
        }
        for (int t = 0; t < threads; t++) {
            assertTrue(counts[t] >= before, "producer " + t + ": the appends that returned before close are in the"
                    + " journal: " + counts[t]);
            assertEquals(landed.get(t).size(), counts[t], "every append that returned landed, no other did: producer " + t);
        }
    }

    /**
     * Issue 14 item 2: an append racing close on a thread whose interrupt flag is set. The record
     * is committed after close stored CLOSING but before the master's final drain (the master is
     * held in a sync), so the final drain writes it: the append must answer with a receipt, and
     * keep the interrupt flag. It used to give up its wait for the terminal state at once, count
     * itself rejected and say "not written" about a record the journal holds.
     */
    @Test
    void shouldAnswerAnInterruptedAppendRacingCloseWithWhatTheJournalHolds() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        final Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).syncer(syncer)
                .build());
        final byte[] first = TestPayloads.of(7, 0, 30);
        final byte[] payload = TestPayloads.of(7, 1, 30);
        final JournalWriter writer = journal.openWriter(); // an explicit handle: moves to the appender thread
        writer.append(first); // something to sync, so the flush below holds the master in its sync
        // Hold the master itself in a sync (a flush makes it sync inline): close's final drain waits.
        syncer.gate = new CountDownLatch(1);
        final Thread flusher = TestSeams.startFlusher(journal);
        awaitTrue(syncer::masterHeld, "the master held in the flush's sync");
        final long drainedBefore = writer.ring().occupancy();
        assertEquals(0, drainedBefore, "the master drained the first record before its sync");
        final JournalWriter.Claim claim = writer.claim(payload.length); // claimed while OPEN
        claim.buffer().write(claim.offset(), payload);
        final AtomicReference<Throwable> closeFailure = new AtomicReference<>();
        final Thread closer = new Thread(() -> {
            try {
                journal.close();
            } catch (Throwable e) {
                closeFailure.set(e);
            }
        }, "test-closer");
        closer.start();
        awaitTrue(() -> !journal.isOpen(), "close stored CLOSING (its final pass is behind the held master)");
        final AtomicLong receipt = new AtomicLong(Long.MIN_VALUE);
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final AtomicBoolean interruptKept = new AtomicBoolean();
        final Thread appender = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                receipt.set(claim.commit());
            } catch (Throwable e) {
                thrown.set(e);
            }
            interruptKept.set(Thread.currentThread().isInterrupted());
        }, "test-interrupted-appender");
        appender.start();
        awaitTrue(() -> writer.ring().occupancy() > 0, "the commit published its tail while the journal was closing");
        assertFalse(journal.isOpen(), "the commit came after close stored CLOSING");
        assertTrue(syncer.masterHeld(), "the commit came before the master's final drain");
        syncer.gate.countDown();
        appender.join();
        closer.join();
        flusher.join();
        assertNull(closeFailure.get(), () -> "close threw " + closeFailure.get());
        assertNull(thrown.get(), () -> "the record was committed before the final drain, yet the append threw "
                + thrown.get());
        assertTrue(receipt.get() >= 0, "a receipt: " + receipt.get());
        assertTrue(interruptKept.get(), "the appender's interrupt flag is kept");
        assertTrue(journal.isDurable(receipt.get()), "close synced the record it accepted");
        final MetricsSnapshot m = journal.metrics();
        assertEquals(2, m.appended(), m.toString());
        assertEquals(0, m.rejected(), m.toString());
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            assertArrayEquals(first, reader.next().payload());
            assertArrayEquals(payload, reader.next().payload());
            assertNull(reader.next());
        }
    }

    /**
     * A thread-bound writer closed from another thread after its thread died: the death already
     * released the ring, which the master reclaimed and handed to a new writer. The stale close
     * must not touch that ring: it used to abort the new owner's open claim (and mark the ring
     * released under it, so the master could hand it to a third writer).
     */
    @Test
    void shouldNotLetADeadThreadsWriterActOnItsRingsNextOwner() throws Exception {
        try (Journal journal = Journal.open(JournalConfig.builder(dir).maxWriters(1).syncPolicy(SyncPolicy.none())
                .build())) {
            final AtomicReference<JournalWriter> orphan = new AtomicReference<>();
            final CountDownLatch appended = new CountDownLatch(1);
            final CountDownLatch die = new CountDownLatch(1);
            final Thread dying = new Thread(() -> {
                orphan.set(journal.writer());
                journal.append(TestPayloads.of(1, 0, 30));
                appended.countDown();
                try {
                    die.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            dying.start();
            appended.await();
            final IllegalStateException live = assertThrows(IllegalStateException.class, () -> orphan.get().close());
            assertTrue(live.getMessage().startsWith("writer is bound to thread"), live.getMessage());
            assertFalse(orphan.get().isClosed(), "its live thread still owns it");
            die.countDown();
            dying.join();
            awaitTrue(() -> journal.metrics().writersInUse() == 0, "the dead thread's ring reclaimed");
            final JournalWriter next = journal.openWriter(); // the only ring: the one the dead thread had
            assertEquals(orphan.get().ringId(), next.ringId());
            final byte[] payload = TestPayloads.of(2, 0, 30);
            final JournalWriter.Claim claim = next.claim(payload.length);
            claim.buffer().write(claim.offset(), payload);
            final IllegalStateException used = assertThrows(IllegalStateException.class,
                    () -> orphan.get().append(TestPayloads.of(1, 1, 30)));
            assertTrue(used.getMessage().startsWith("writer is bound to thread"), used.getMessage());
            orphan.get().close(); // from a thread that is not its own; its thread is dead
            assertTrue(orphan.get().isClosed());
            final long receipt = claim.commit();
            assertTrue(receipt >= 0);
            assertEquals(1, journal.metrics().writersInUse(), "the ring still belongs to the next writer");
            next.close();
            journal.flush();
            final MetricsSnapshot m = journal.metrics();
            assertEquals(2, m.appended(), m.toString());
            assertEquals(0, m.rejected(), m.toString());
        }
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            assertArrayEquals(TestPayloads.of(1, 0, 30), reader.next().payload());
            assertArrayEquals(TestPayloads.of(2, 0, 30), reader.next().payload());
            assertNull(reader.next());
        }
    }

    /**
     * Claims that outlive close: a claim open while close's final drain runs is not in the
     * journal, so its commit is refused ("raced close"); an abort after close answers nothing and
     * writes nothing; a claim after close is refused. Counters agree with the journal.
     */
    @Test
    void shouldAnswerClaimsThatOutliveCloseWithWhatTheJournalHolds() throws Exception {
        final Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).build());
        final JournalWriter committer = journal.openWriter();
        final JournalWriter aborter = journal.openWriter();
        final byte[] kept = TestPayloads.of(3, 0, 30);
        committer.append(kept);
        final JournalWriter.Claim late = committer.claim(16);
        late.buffer().write(late.offset(), new byte[16]);
        final JournalWriter.Claim dropped = aborter.claim(16);
        journal.close(); // its final drain ran while both claims were open
        final JournalClosedException raced = assertThrows(JournalClosedException.class, late::commit);
        assertTrue(raced.getMessage().startsWith("append raced close and was not written"), raced.getMessage());
        dropped.abort();
        final JournalClosedException refused = assertThrows(JournalClosedException.class, () -> aborter.claim(16));
        assertTrue(refused.getMessage().startsWith("journal is closed"), refused.getMessage());
        final MetricsSnapshot m = journal.metrics();
        assertEquals(1, m.appended(), m.toString());
        assertEquals(2, m.rejected(), m.toString());
        assertEquals(0, m.dropped(), m.toString());
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            assertArrayEquals(kept, reader.next().payload());
            assertNull(reader.next(), "neither the refused commit nor the aborted claim is in the journal");
        }
    }

    /** Polls {@code condition} (a state another thread reaches, not a hoped-for race) for up to 30 s. */
    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not reached within 30 s: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
    }
}
