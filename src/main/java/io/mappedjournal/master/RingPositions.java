package io.mappedjournal.master;

import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.StagingRing;

/**
 * Each staging ring's position at one moment (index: ring id), taken when a sync or a seal starts
 * and published as the rings' durable positions when it succeeds. Master thread only; allocates
 * only when the pool has grown past every earlier snapshot.
 */
final class RingPositions {
    private final StagingPool pool;
    private long[] positions = new long[16];
    private int count;

    RingPositions(StagingPool pool) {
        this.pool = pool;
    }

    /** Takes each ring's drained position (what a background sync starting now covers). */
    void takeDrained() {
        final int n = grow();
        for (int i = 0; i < n; i++) {
            positions[i] = pool.ring(i).drainedPosition();
        }
    }

    /**
     * Takes each ring's consumed position (what a roll sealing now covers; the ring whose record
     * triggered the roll reports the start of that record).
     */
    void takeConsumed() {
        final int n = grow();
        for (int i = 0; i < n; i++) {
            positions[i] = pool.ring(i).consumedPosition();
        }
    }

    /** The sync or seal these positions were taken for succeeded: publish them (volatile stores, forward only). */
    void publishDurable() {
        for (int i = 0; i < count; i++) {
            pool.ring(i).publishDurable(positions[i]);
        }
    }

    /**
     * After a sync of everything drained: every ring's drained records are durable (volatile
     * stores, forward only: a seal may have published more mid-pass).
     *
     * @param pool the rings
     */
    static void publishDrained(StagingPool pool) {
        final int n = pool.allocated();
        for (int i = 0; i < n; i++) {
            final StagingRing ring = pool.ring(i);
            ring.publishDurable(ring.drainedPosition());
        }
    }

    private int grow() {
        final int n = pool.allocated();
        if (positions.length < n) {
            positions = new long[Math.max(n, 2 * positions.length)];
        }
        count = n;
        return n;
    }
}
