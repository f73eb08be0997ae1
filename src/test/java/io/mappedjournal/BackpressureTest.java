package io.mappedjournal;

import io.mappedjournal.metrics.MetricsSnapshot;
import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The master is held inside a sync (a gated syncer) so staging rings fill up; producers keep
 * appending. Afterwards: the counters are exact, and what was accepted is exactly what is in the
 * journal.
 */
class BackpressureTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Backpressure.class)
    void shouldAccountForEveryAttemptExactly(Backpressure mode) throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        final int threads = 4;
        final int perThread = 3000;
        final Set<Long> accepted = ConcurrentHashMap.newKeySet();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final MetricsSnapshot m;
        try (Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).syncer(syncer)
                .stagingBufferSize(4096).maxRecordSize(256).backpressure(mode).blockTimeout(Duration.ofMillis(2))
                .build())) {
            // Hold the master itself in a sync: a flush makes it sync inline, behind the gate.
            syncer.gate = new CountDownLatch(1);
            journal.append(TestPayloads.of(99, 0, 10));
            accepted.add(99L << 32);
            final Thread flusher = TestSeams.startFlusher(journal);
            while (!syncer.masterHeld()) {
                Thread.onSpinWait();
            }
            final List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                producers.add(new Thread(() -> {
                    for (int n = 0; n < perThread; n++) {
                        if (n == perThread / 2 && id == 0) {
                            syncer.gate.countDown(); // let the master go half-way through
                        }
                        try {
                            final long r = journal.append(TestPayloads.of(id, n, 100));
                            if (r == Journal.DROPPED) {
                                dropped.incrementAndGet();
                            } else {
                                accepted.add(((long) id << 32) | n);
                            }
                        } catch (StagingFullException e) {
                            rejected.incrementAndGet();
                        }
                    }
                }));
            }
            producers.forEach(Thread::start);
            for (Thread p : producers) {
                p.join();
            }
            syncer.gate.countDown();
            flusher.join();
            journal.flush();
            m = journal.metrics();
        }
        final long attempts = (long) threads * perThread + 1;
        assertEquals(attempts, m.attempted(), m.toString());
        assertEquals(accepted.size(), m.appended());
        assertEquals(dropped.get(), m.dropped());
        assertEquals(rejected.get(), m.rejected());
        switch (mode) {
            case DROP:
                assertTrue(m.dropped() > 0, "the ring filled while the master was held: " + m);
                assertEquals(0, m.rejected());
                break;
            case FAIL:
            case BLOCK:
                assertTrue(m.rejected() > 0, "the ring filled while the master was held: " + m);
                assertEquals(0, m.dropped());
                break;
            default:
                fail(mode.name());
        }
        if (mode == Backpressure.BLOCK) {
            assertTrue(m.blockedNanos() >= Duration.ofMillis(2).toNanos(), "blocked time counted: " + m);
        }
        final Set<Long> found = new HashSet<>();
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            for (JournalRecord r; (r = reader.next()) != null; ) {
                final byte[] p = r.payload();
                final long key = ((long) TestPayloads.producer(p) << 32) | TestPayloads.number(p);
                assertTrue(found.add(key), "no duplicates");
                final int t = TestPayloads.producer(p);
                assertArrayEquals(TestPayloads.of(t, TestPayloads.number(p), t == 99 ? 10 : 100), p);
            }
        }
        assertEquals(accepted, found, "exactly the accepted records are in the journal");
    }

    /**
     * BLOCK gives up at blockTimeout, not much later (and not earlier): the master is held in a
     * sync for the whole test, so only the timeout can end the blocked append.
     */
    @Test
    void shouldGiveUpABlockedAppendAtTheBlockTimeout() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        final Duration timeout = Duration.ofMillis(300);
        try (Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).syncer(syncer)
                .stagingBufferSize(4096).maxRecordSize(256).backpressure(Backpressure.BLOCK).blockTimeout(timeout)
                .build())) {
            final Thread flusher = holdMaster(journal, syncer);
            final JournalWriter writer = journal.writer();
            int n = 1;
            long elapsed;
            StagingFullException full = null;
            while (full == null) {
                final long start = System.nanoTime();
                try {
                    writer.append(TestPayloads.of(1, n, 0));
                    n++;
                } catch (StagingFullException e) {
                    full = e;
                }
                elapsed = System.nanoTime() - start;
                if (full != null) {
                    assertTrue(syncer.masterHeld(), "the master was held throughout: only the timeout ended the wait");
                    assertTrue(full.getMessage().startsWith("staging ring still full after blockTimeout: timeoutMs=300"),
                            full.getMessage());
                    assertTrue(elapsed >= timeout.toNanos(), "gave up early: " + elapsed / 1_000_000 + " ms");
                    assertTrue(elapsed < timeout.toNanos() + TimeUnit.SECONDS.toNanos(2),
                            "gave up late: " + elapsed / 1_000_000 + " ms for a blockTimeout of " + timeout.toMillis() + " ms");
                }
            }
            syncer.gate.countDown();
            flusher.join();
            final MetricsSnapshot m = journal.metrics();
            assertEquals(n, m.appended(), m.toString());
            assertEquals(1, m.rejected(), m.toString());
        }
    }

    /**
     * Issue 14 item 5: an interrupt aborts a blocked append with a StagingFullException whose cause
     * is the InterruptedException, counts it rejected and keeps the thread's interrupt flag. The
     * master is held throughout and the block timeout is a minute, so only the interrupt can end
     * the wait. The append used to busy-spin (parkNanos returns at once while the flag is set)
     * until the block timeout.
     */
    @Test
    void shouldAbortABlockedAppendWhenItsThreadIsInterrupted() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        final AtomicInteger appended = new AtomicInteger();
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final AtomicBoolean interruptKept = new AtomicBoolean();
        final CountDownLatch returned = new CountDownLatch(1);
        try (Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).syncer(syncer)
                .stagingBufferSize(4096).maxRecordSize(256).backpressure(Backpressure.BLOCK)
                .blockTimeout(Duration.ofMinutes(1)).build())) {
            final Thread flusher = holdMaster(journal, syncer);
            final Thread appender = new Thread(() -> {
                try {
                    for (int n = 0; ; n++) {
                        journal.append(TestPayloads.of(1, n, 0));
                        appended.incrementAndGet();
                    }
                } catch (Throwable e) {
                    thrown.set(e);
                }
                interruptKept.set(Thread.currentThread().isInterrupted());
                returned.countDown();
            }, "test-blocked-appender");
            appender.start();
            WriterLifecycleTest.awaitTrue(() -> appender.getState() == Thread.State.TIMED_WAITING,
                    "the appender parked in BLOCK, its ring full");
            final long cpuBefore = ManagementFactory.getThreadMXBean().getThreadCpuTime(appender.getId());
            appender.interrupt();
            if (!returned.await(20, TimeUnit.SECONDS)) {
                final long cpu = ManagementFactory.getThreadMXBean().getThreadCpuTime(appender.getId()) - cpuBefore;
                syncer.gate.countDown();
                fail("the blocked append did not return within 20 s of its interrupt (block timeout 60 s); its CPU"
                        + " time since the interrupt: " + cpu / 1_000_000 + " ms");
            }
            assertTrue(syncer.masterHeld(), "the master was held throughout: only the interrupt ended the wait");
            assertTrue(thrown.get() instanceof StagingFullException, () -> "thrown: " + thrown.get());
            assertTrue(thrown.get().getCause() instanceof InterruptedException, () -> "cause: " + thrown.get().getCause());
            assertTrue(thrown.get().getMessage().startsWith("interrupted while blocked on a full staging ring"),
                    thrown.get().getMessage());
            assertTrue(interruptKept.get(), "the appender's interrupt flag is kept");
            syncer.gate.countDown();
            flusher.join();
            journal.flush();
            final MetricsSnapshot m = journal.metrics();
            assertEquals(1 + appended.get(), m.appended(), m.toString());
            assertEquals(1, m.rejected(), m.toString());
            assertTrue(m.blockedNanos() < TimeUnit.SECONDS.toNanos(60), "blocked time ends at the interrupt: " + m);
        }
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            assertArrayEquals(TestPayloads.of(99, 0, 10), reader.next().payload());
            for (int n = 0; n < appended.get(); n++) {
                assertArrayEquals(TestPayloads.of(1, n, 0), reader.next().payload());
            }
            assertNull(reader.next(), "the interrupted append's record is not in the journal");
        }
    }

    /** Appends one record (producer 99), then holds the master in the sync of a flush; returns the flusher. */
    private static Thread holdMaster(Journal journal, RecordingSyncer syncer) {
        syncer.gate = new CountDownLatch(1);
        journal.append(TestPayloads.of(99, 0, 10));
        final Thread flusher = TestSeams.startFlusher(journal);
        WriterLifecycleTest.awaitTrue(syncer::masterHeld, "the master held in the flush's sync");
        return flusher;
    }
}
