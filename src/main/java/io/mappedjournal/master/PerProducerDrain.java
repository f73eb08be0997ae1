package io.mappedjournal.master;

import io.mappedjournal.segment.SegmentLog;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.StagingRing;

import java.io.IOException;

/**
 * Per-producer order ({@link io.mappedjournal.policy.Ordering#PER_PRODUCER}): each ring drained
 * whole in turn, up to the tail it published when the pass reached it. Each producer's records
 * keep their order; records of different producers land in drain order.
 */
final class PerProducerDrain implements Drain {
    private final StagingPool pool;
    private final SegmentLog log;

    PerProducerDrain(StagingPool pool, SegmentLog log) {
        this.pool = pool;
        this.log = log;
    }

    @Override
    public int drain(boolean finalPass) throws IOException {
        int records = 0;
        final int count = pool.allocated();
        for (int i = 0; i < count; i++) {
            final StagingRing ring = pool.ring(i);
            // Acquire: everything the producer wrote before its tail store is visible now.
            if (!ring.acquirePublished()) {
                continue;
            }
            for (int length; (length = ring.nextRecord()) >= 0; records++) {
                try {
                    log.append(ring.payloadAddress(), length);
                } catch (IOException e) {
                    giveUp(ring);
                    throw e; // the journal fails; nothing more is written
                }
                ring.consumeRecord();
            }
            ring.releaseConsumed(); // release store of the head: the copies above come first
        }
        return records;
    }

    /**
     * After a failed copy: the ring's published records are given up, the failed one included, and
     * their space freed (release store of the head), so the journal fails with its rings empty, as
     * a full drain would leave them.
     */
    private static void giveUp(StagingRing ring) {
        ring.consumeRecord();
        while (ring.nextRecord() >= 0) {
            ring.consumeRecord();
        }
        ring.releaseConsumed();
    }

    @Override
    public long flushBound() {
        return 0;
    }

    @Override
    public boolean wroteAllBelow(long bound) {
        return true;
    }
}
