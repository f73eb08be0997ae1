package io.mappedjournal;

import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class DurabilityTest {
    @TempDir
    Path dir;

    private static SyncPolicy policy(String name) {
        switch (name) {
            case "none": return SyncPolicy.none();
            case "batch": return SyncPolicy.batch(Duration.ofHours(1), Long.MAX_VALUE);
            case "batch-bytes": return SyncPolicy.batch(Duration.ofHours(1), 4096);
            default: return SyncPolicy.always();
        }
    }

    /**
     * Each producer appends, waits for durability, and at that moment takes a snapshot of how far
     * every segment had been synced. Afterwards every record's frame must lie inside the synced
     * range of its snapshot: no wait returned before the sync that covers its record. Batch and
     * none use an hour-long timer, so a prompt return also proves the wait triggered the sync.
     */
    @ParameterizedTest
    @ValueSource(strings = {"always", "batch", "batch-bytes", "none"})
    void shouldNeverReturnFromADurabilityWaitBeforeTheRecordWasSynced(String policyName) throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        syncer.delayNanos = TimeUnit.MICROSECONDS.toNanos(300);
        final int threads = 4;
        final int perThread = 300;
        final Map<Long, Map<String, Long>> snapshots = new ConcurrentHashMap<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Journal journal = Journal.open(JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(1024)
                .syncPolicy(policy(policyName)).syncer(syncer).build())) {
            final List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                producers.add(new Thread(() -> {
                    try {
                        for (int n = 0; n < perThread; n++) {
                            final long receipt = journal.append(TestPayloads.of(id, n, 200));
                            if (n % 3 == 0) {
                                assertTrue(journal.awaitDurable(receipt, 30, TimeUnit.SECONDS), "durable in time");
                            } else if (n % 3 == 1) {
                                journal.durableFuture(receipt).get(30, TimeUnit.SECONDS);
                            } else {
                                while (!journal.isDurable(receipt)) {
                                    journal.flush(30, TimeUnit.SECONDS);
                                }
                            }
                            assertTrue(journal.isDurable(receipt));
                            snapshots.put(((long) id << 32) | n, syncer.snapshot());
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            final long start = System.nanoTime();
            producers.forEach(Thread::start);
            for (Thread p : producers) {
                p.join();
            }
            assertNull(failure.get(), () -> String.valueOf(failure.get()));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60), "waits did not wait for the timer");
        }
        int checked = 0;
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            for (JournalRecord r; (r = reader.next()) != null; ) {
                final byte[] p = r.payload();
                final Map<String, Long> snap = snapshots.get(((long) TestPayloads.producer(p) << 32) | TestPayloads.number(p));
                assertNotNull(snap);
                final long end = r.offset() + FrameDescriptor.frameLength(r.length());
                final long synced = snap.getOrDefault(r.segment().getFileName().toString(), 0L);
                assertTrue(end <= synced, "record " + r.sequence() + " ends at " + end + " in " + r.segment().getFileName()
                        + " but only " + synced + " was synced when its wait returned");
                checked++;
            }
        }
        assertEquals(threads * perThread, checked);
    }

    @Test
    void shouldMakeEverythingAppendedBeforeFlushDurable() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        try (Journal journal = Journal.open(JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(1024)
                .syncPolicy(SyncPolicy.none()).syncer(syncer).build())) {
            final List<Long> receipts = new ArrayList<>();
            for (int n = 0; n < 2000; n++) {
                receipts.add(journal.append(TestPayloads.of(0, n, 100)));
            }
            assertTrue(journal.flush(30, TimeUnit.SECONDS));
            for (long r : receipts) {
                assertTrue(journal.isDurable(r));
            }
            assertEquals(2000, journal.durableSequence());
        }
    }

    @Test
    void shouldGroupManyRecordsIntoOneSyncUnderAlways() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        syncer.delayNanos = TimeUnit.MILLISECONDS.toNanos(2);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final java.util.concurrent.atomic.AtomicInteger acknowledged = new java.util.concurrent.atomic.AtomicInteger();
        try (Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.always()).syncer(syncer).build())) {
            final List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                final int id = t;
                producers.add(new Thread(() -> {
                    try {
                        for (int n = 0; n < 100; n++) {
                            assertTrue(journal.awaitDurable(journal.append(TestPayloads.of(id, n, 20)), 30, TimeUnit.SECONDS),
                                    "durable in time");
                            acknowledged.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e); // a failed check in a producer fails the test
                    }
                }));
            }
            producers.forEach(Thread::start);
            for (Thread p : producers) {
                p.join();
            }
            assertNull(failure.get(), () -> "a producer failed: " + failure.get());
            assertEquals(1600, acknowledged.get(), "every wait returned true");
            assertEquals(1600, journal.metrics().appended());
            assertTrue(journal.metrics().recordsPerSync() > 2.0, "group commit: " + journal.metrics());
        }
    }

    @Test
    void shouldFailStopOnAFailedSyncWithoutRetryingIt() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        final Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.always()).syncer(syncer).build());
        final int[] callsBefore = new int[1];
        try {
            final long first = journal.append(TestPayloads.of(0, 0, 10));
            assertTrue(journal.awaitDurable(first, 10, TimeUnit.SECONDS));
            callsBefore[0] = syncer.calls.get();
            syncer.failOnCall = callsBefore[0] + 1;
            final long doomed = journal.append(TestPayloads.of(0, 1, 10));
            final CompletableFuture<Void> future = journal.durableFuture(doomed);
            final JournalFailedException waitFailure = assertThrows(JournalFailedException.class,
                    () -> journal.awaitDurable(doomed, 10, TimeUnit.SECONDS));
            assertTrue(waitFailure.getCause().getMessage().startsWith("injected msync failure"), waitFailure.getMessage());
            final ExecutionException futureFailure = assertThrows(ExecutionException.class,
                    () -> future.get(10, TimeUnit.SECONDS));
            assertInstanceOf(JournalFailedException.class, futureFailure.getCause());
            assertFalse(journal.isDurable(doomed));
            assertFalse(journal.isOpen());
            assertThrows(JournalFailedException.class, () -> journal.append(TestPayloads.of(0, 2, 10)));
        } finally {
            journal.close();
        }
        // Counted over the whole life of the journal: once closed, its threads are gone, so no
        // retry can come later than this.
        assertEquals(callsBefore[0] + 1, syncer.calls.get(), "the failed sync is never retried, not even at close");
        assertEquals(1, journal.durableSequence(), "nothing acknowledged after the failure");
        try (Journal reopened = Journal.open(JournalConfig.builder(dir).build())) {
            assertTrue(reopened.recoveryReport().nextSequence() >= 1);
            try (JournalReader reader = reopened.reader(0)) {
                assertArrayEquals(TestPayloads.of(0, 0, 10), reader.next().payload());
            }
        }
    }

    /**
     * Issue 15: {@code BATCH(T, N)} syncs on its own, with nobody waiting, once the oldest unsynced
     * record is T old. Bounds: not before T after the first append (nothing else syncs: no waiter,
     * no byte limit, no roll), and within T plus a generous slack for this shared machine.
     */
    @Test
    void batchSyncsOnItsOwnAfterItsInterval() throws Exception {
        final long intervalMillis = 200;
        final RecordingSyncer syncer = new RecordingSyncer();
        try (Journal journal = Journal.open(JournalConfig.builder(dir).maxRecordSize(1024)
                .syncPolicy(SyncPolicy.batch(Duration.ofMillis(intervalMillis), Long.MAX_VALUE)).syncer(syncer).build())) {
            final int callsAtOpen = syncer.calls.get();
            final long start = System.nanoTime();
            final long[] receipts = new long[10];
            for (int n = 0; n < receipts.length; n++) {
                receipts[n] = journal.append(TestPayloads.of(0, n, 200));
            }
            final long deadline = start + TimeUnit.MILLISECONDS.toNanos(intervalMillis + 5_000);
            while (journal.durableSequence() < receipts.length) {
                assertTrue(System.nanoTime() < deadline, "batch(" + intervalMillis + " ms) never synced on its own: durable="
                        + journal.durableSequence() + " syncs=" + (syncer.calls.get() - callsAtOpen));
                Thread.sleep(1);
            }
            final long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMillis >= intervalMillis, "durable after " + elapsedMillis + " ms: before the interval");
            assertTrue(syncer.calls.get() > callsAtOpen, "the RecordingSyncer saw the policy's sync");
            for (long r : receipts) {
                assertTrue(journal.isDurable(r));
            }
            assertTrue(syncer.syncedTo(io.mappedjournal.segment.SegmentFiles.segmentPath(dir, 0))
                    >= io.mappedjournal.format.SegmentHeaderDescriptor.DATA_OFFSET + 10 * 8, "the sync covered the frames");
        }
    }

    /**
     * Issue 15: {@code BATCH(T, N)} syncs on its own once N bytes are unsynced, long before T (an
     * hour here), with nobody waiting and no roll: nothing but the byte limit can sync.
     */
    @Test
    void batchSyncsOnItsOwnAfterItsByteLimit() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        try (Journal journal = Journal.open(JournalConfig.builder(dir).maxRecordSize(1024)
                .syncPolicy(SyncPolicy.batch(Duration.ofHours(1), 8192)).syncer(syncer).build())) {
            final int callsAtOpen = syncer.calls.get();
            final int records = 12; // 12 x 1000 bytes > 8192
            for (int n = 0; n < records; n++) {
                journal.append(new byte[1000]);
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (journal.durableSequence() < 8) {
                assertTrue(System.nanoTime() < deadline, "batch(1 h, 8192 B) never synced on its own: durable="
                        + journal.durableSequence() + " syncs=" + (syncer.calls.get() - callsAtOpen));
                Thread.sleep(1);
            }
            assertTrue(syncer.calls.get() > callsAtOpen, "the RecordingSyncer saw the policy's sync");
        }
    }
}
