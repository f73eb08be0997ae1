package io.mappedjournal;

import io.mappedjournal.metrics.MetricsSnapshot;
import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

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
        assertEquals(accepted.size(), m.appended);
        assertEquals(dropped.get(), m.dropped);
        assertEquals(rejected.get(), m.rejected);
        switch (mode) {
            case DROP:
                assertTrue(m.dropped > 0, "the ring filled while the master was held: " + m);
                assertEquals(0, m.rejected);
                break;
            case FAIL:
            case BLOCK:
                assertTrue(m.rejected > 0, "the ring filled while the master was held: " + m);
                assertEquals(0, m.dropped);
                break;
            default:
                fail(mode.name());
        }
        if (mode == Backpressure.BLOCK) {
            assertTrue(m.blockedNanos >= Duration.ofMillis(2).toNanos(), "blocked time counted: " + m);
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
}
