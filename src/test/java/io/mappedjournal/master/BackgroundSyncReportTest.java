package io.mappedjournal.master;

import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.TicketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The policy's background syncs, one after another: sync 1 finishes inside the master's wait for
 * it (the policy wants sync 2 already), and sync 2 starts in the same pass. Sync 1's finish must be
 * published with what sync 1 covered, never with sync 2's larger snapshot: a record drained between
 * the two starts is durable only when sync 2 ends. Driven pass by pass on a production
 * {@link Master}, with a syncer that can hold a sync at a gate.
 */
class BackgroundSyncReportTest {
    @TempDir
    Path dir;

    @Test
    void aFinishedSyncPublishesOnlyWhatItCoveredWhenTheNextOneStartsInTheSamePass() throws Exception {
        final AtomicLong syncedTo = new AtomicLong(-1);
        final GatedSyncer syncer = new GatedSyncer(syncedTo);
        try (OneSegmentMaster rig = new OneSegmentMaster(dir, syncer, SyncPolicy.always(), 1, TicketSource.NONE)) {
            final Master master = rig.master;
            final StagingRing ring = rig.pool.acquire(Thread.currentThread(), TimeUnit.SECONDS.toNanos(1));
            final CountDownLatch gate1 = syncer.hold();
            final long first = append(ring);
            master.doWork(); // drains the first record; the policy starts sync 1 on the sealer thread
            assertTrue(syncer.held.await(10, TimeUnit.SECONDS), "sync 1 started and is held at the gate");
            final CountDownLatch gate2 = syncer.hold(); // sync 2 will be held
            gate1.countDown();
            final long firstEnd = syncedToAfter(syncedTo, SegmentHeaderDescriptor.DATA_OFFSET);

            final long second = append(ring);
            master.doWork(); // drains the second record, waits for sync 1, starts sync 2 (held), reports sync 1
            assertTrue(syncer.held.await(10, TimeUnit.SECONDS), "sync 2 started and is held at the gate");
            assertEquals(firstEnd, syncedTo.get(), "only sync 1's range is on disk");
            assertEquals(first, ring.durablePositionVolatile(), "sync 1 made the first record durable, not the second");
            assertEquals(1, master.durableSequence());

            gate2.countDown();
            for (int pass = 0; pass < 10_000 && ring.durablePositionVolatile() < second; pass++) {
                master.doWork();
                Thread.onSpinWait();
            }
            assertEquals(second, ring.durablePositionVolatile(), "sync 2's finish made the second record durable");
            assertEquals(2, master.durableSequence());
            assertTrue(syncedTo.get() > firstEnd, "sync 2 covered the second record");
        }
    }

    private static long append(StagingRing ring) {
        final long index = ring.tryClaim(16);
        assertTrue(index >= 0, "claim");
        for (int i = 0; i < 16; i++) {
            ring.buffer().writeByte(index + i, (byte) 'x');
        }
        return ring.commit();
    }

    private static long syncedToAfter(AtomicLong syncedTo, long offset) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (syncedTo.get() <= offset) {
            assertTrue(System.nanoTime() < deadline, "sync 1 never ran");
            Thread.sleep(1);
        }
        return syncedTo.get();
    }

    /** Records how far it synced; holds a sync at the gate while one is set. */
    private static final class GatedSyncer implements FileSyncer {
        private final AtomicLong syncedTo;
        private volatile CountDownLatch gate;
        volatile CountDownLatch held = new CountDownLatch(1);

        GatedSyncer(AtomicLong syncedTo) {
            this.syncedTo = syncedTo;
        }

        /** The next sync waits at a new gate (returned); {@link #held} opens when it arrives there. */
        CountDownLatch hold() {
            held = new CountDownLatch(1);
            gate = new CountDownLatch(1);
            return gate;
        }

        @Override
        public void sync(Segment segment, long fromOffset, long toOffset) throws IOException {
            final CountDownLatch g = gate;
            if (g != null) {
                gate = null; // one sync per gate
                held.countDown();
                try {
                    if (!g.await(30, TimeUnit.SECONDS)) {
                        throw new IOException("test gate never opened");
                    }
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            syncedTo.set(toOffset);
        }
    }
}
