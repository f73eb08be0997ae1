package io.mappedjournal;

import io.mappedjournal.policy.Ordering;
import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class TotalOrderTest {
    @TempDir
    Path dir;

    /**
     * Every append records how many appends had completed (returned) before it started. In the
     * journal, each record must come after every record that completed before it started.
     */
    @Test
    void shouldWriteARecordAfterEveryRecordThatCompletedBeforeItStarted() throws Exception {
        final int threads = 8;
        final int perThread = 20_000;
        final AtomicLong completed = new AtomicLong();
        final long[][] startedAfter = new long[threads][perThread];
        final long[][] completionIndex = new long[threads][perThread];
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Journal journal = Journal.open(JournalConfig.builder(dir).ordering(Ordering.TOTAL)
                .syncPolicy(SyncPolicy.none()).segmentSize(1 << 20).maxRecordSize(1024).build())) {
            final CountDownLatch go = new CountDownLatch(1);
            final List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                producers.add(new Thread(() -> {
                    try {
                        go.await();
                        for (int n = 0; n < perThread; n++) {
                            startedAfter[id][n] = completed.get();
                            journal.append(TestPayloads.of(id, n, 40));
                            completionIndex[id][n] = completed.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            producers.forEach(Thread::start);
            go.countDown();
            for (Thread p : producers) {
                p.join();
            }
            assertNull(failure.get());
            journal.flush();
        }
        final int total = threads * perThread;
        final long[] positionByCompletion = new long[total + 1];
        final long[][] position = new long[threads][perThread];
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            long pos = 0;
            for (JournalRecord r; (r = reader.next()) != null; pos++) {
                final byte[] p = r.payload();
                final int t = TestPayloads.producer(p);
                final int n = TestPayloads.number(p);
                assertArrayEquals(TestPayloads.of(t, n, 40), p);
                position[t][n] = pos;
                positionByCompletion[(int) completionIndex[t][n]] = pos;
            }
            assertEquals(total, pos);
        }
        // prefixMax[k] = the latest journal position among the first k completed appends
        final long[] prefixMax = new long[total + 1];
        prefixMax[0] = -1;
        for (int k = 1; k <= total; k++) {
            prefixMax[k] = Math.max(prefixMax[k - 1], positionByCompletion[k]);
        }
        for (int t = 0; t < threads; t++) {
            for (int n = 0; n < perThread; n++) {
                final int b = (int) startedAfter[t][n];
                assertTrue(position[t][n] > prefixMax[b], "t=" + t + " n=" + n + " at " + position[t][n]
                        + " is before a record that completed before it started (at " + prefixMax[b] + ")");
            }
        }
    }

    @Test
    void shouldLetAppendsRacingCloseEitherLandOrFailInTotalOrder() throws Exception {
        final Journal journal = Journal.open(JournalConfig.builder(dir).ordering(Ordering.TOTAL)
                .syncPolicy(SyncPolicy.none()).build());
        final int threads = 4;
        final int before = 200;
        final int[] landed = new int[threads];
        final List<Thread> producers = new ArrayList<>();
        final CountDownLatch warm = new CountDownLatch(threads);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            final int id = t;
            producers.add(new Thread(() -> {
                try {
                    for (int n = 0; ; n++) {
                        try {
                            journal.append(TestPayloads.of(id, n, 30));
                            landed[id]++;
                        } catch (JournalClosedException e) {
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
        }
        assertArrayEquals(landed, counts, "every append that returned landed, no other did");
    }
}
