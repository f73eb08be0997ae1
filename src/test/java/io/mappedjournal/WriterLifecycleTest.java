package io.mappedjournal;

import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
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
            assertTrue(journal.metrics().stagingUsedBytes > 0, "records were still staged when the thread died");
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
            assertEquals(1, journal.metrics().stagingRingsAllocated);
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
                if (t % 20 == 19) {
                    assertTrue(journal.metrics().stagingRingsAllocated <= 8);
                }
            }
            for (Thread th : all) {
                th.join();
            }
            assertNull(failure.get(), () -> String.valueOf(failure.get()));
            journal.flush();
            assertTrue(journal.metrics().stagingRingsAllocated <= 8, journal.metrics().toString());
            assertEquals(8L * 8192, journal.config().stagingMemoryBound());
            assertEquals((long) threads * perThread, journal.metrics().appended);
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
        final List<List<Integer>> landed = new ArrayList<>();
        final List<Thread> producers = new ArrayList<>();
        final CountDownLatch started = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            final int id = t;
            final List<Integer> mine = new ArrayList<>();
            landed.add(mine);
            producers.add(new Thread(() -> {
                started.countDown();
                for (int n = 0; ; n++) {
                    try {
                        journal.append(TestPayloads.of(id, n, 30));
                        mine.add(n);
                    } catch (JournalClosedException e) {
                        return;
                    }
                }
            }));
        }
        producers.forEach(Thread::start);
        started.await();
        Thread.sleep(100);
        journal.close();
        for (Thread p : producers) {
            p.join();
        }
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
            assertEquals(landed.get(t).size(), counts[t], "every append that returned landed, no other did: producer " + t);
        }
    }
}
