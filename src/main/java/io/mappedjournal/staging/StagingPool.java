package io.mappedjournal.staging;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Hands staging rings to writers and takes them back, within a fixed bound: at most
 * {@code maxWriters} rings of {@code ringCapacity} bytes are ever allocated.
 *
 * <p>A ring's life: allocated (or taken from the free list) by {@link #acquire} for an owner;
 * the owner appends; the owner either closes its writer ({@link #release}) or its thread dies;
 * the master drains what is left and, in {@link #reclaim}, puts the ring back on the free list.
 * Acquire and reclaim are slow paths guarded by this pool's monitor; the append path never
 * touches the pool.
 */
public final class StagingPool {
    private final int maxWriters;
    private final int ringCapacity;
    private final StagingRing[] rings;
    /** Number of rings allocated so far; the master scans {@code rings[0, allocated)}. */
    private volatile int allocated;
    private final ArrayDeque<StagingRing> free = new ArrayDeque<>();
    private int inUse;

    /**
     * Creates an empty pool; rings are allocated on first need.
     *
     * @param maxWriters   the most rings ever allocated, in [1, 32767]
     * @param ringCapacity bytes in each ring's data area (checked when a ring is allocated)
     * @throws IllegalArgumentException if {@code maxWriters} is out of range
     */
    public StagingPool(int maxWriters, int ringCapacity) {
        if (maxWriters < 1 || maxWriters > (1 << 15) - 1) {
            throw new IllegalArgumentException("maxWriters must be in [1, 32767]: maxWriters=" + maxWriters);
        }
        this.maxWriters = maxWriters;
        this.ringCapacity = ringCapacity;
        this.rings = new StagingRing[maxWriters];
    }

    int maxWriters() {
        return maxWriters;
    }

    int ringCapacity() {
        return ringCapacity;
    }

    /**
     * Upper bound of staging memory in bytes, whatever the number of threads.
     *
     * @return {@code maxWriters * ringCapacity}
     */
    public long memoryBound() {
        return (long) maxWriters * ringCapacity;
    }

    /**
     * Takes a ring for {@code owner} (the thread it is bound to, whose death releases it; or
     * {@code null} for an explicit writer handle, released only by closing it), waiting up to {@code timeoutNanos} for one to be reclaimed
     * when all {@code maxWriters} are in use. Any thread.
     *
     * @param owner        the thread the ring is bound to, or {@code null} for an explicit writer handle
     * @param timeoutNanos the longest to wait; 0 to not wait
     * @return the ring, or {@code null} if none became free in time
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws IllegalArgumentException if a ring must be allocated and the pool's ring capacity is
     *                                  not a power of two of at least 1024
     */
    public synchronized StagingRing acquire(Thread owner, long timeoutNanos) throws InterruptedException {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            StagingRing ring = free.pollFirst();
            if (ring != null && ring.hasPendingClaim()) {
                // The previous owner died between claim and commit: its claim was never published
                // (the master drained up to the tail only), so forget it here, on the new owner's
                // thread; otherwise every append of the new owner fails with "a claim is open".
                ring.abort();
            }
            if (ring == null && allocated < maxWriters) {
                ring = new StagingRing(allocated, ringCapacity);
                rings[allocated] = ring;
                allocated = allocated + 1; // volatile store publishes the new ring to the master
            }
            if (ring != null) {
                ring.released = false;
                ring.owner = owner;
                ring.inUse = true;
                inUse++;
                return ring;
            }
            final long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, remaining);
        }
    }

    /**
     * The owner is done with the ring: after its last commit, the master may reclaim it. The
     * ring's owner only.
     *
     * @param ring a ring this pool handed out
     */
    public void release(StagingRing ring) {
        ring.released = true; // volatile store, after the owner's last (volatile) tail store
    }

    /**
     * Number of rings allocated so far (master scans this many). Any thread.
     *
     * @return the count; ring ids are below it
     */
    public int allocated() {
        return allocated;
    }

    /**
     * The ring with this id. Any thread, for an id below {@link #allocated()}.
     *
     * @param id the ring's id
     * @return the ring
     */
    public StagingRing ring(int id) {
        return rings[id];
    }

    /**
     * Rings held by writers; a released ring counts until the master reclaims it. Any thread.
     *
     * @return the count
     */
    public synchronized int inUse() {
        return inUse;
    }

    /**
     * Master only: returns to the free list every ring whose owner released it or died and whose
     * records have all been drained. Reading {@code released} (or the owner's death) before the
     * ring's tail guarantees the drain saw the owner's last record.
     *
     * @return the number of rings reclaimed
     */
    public int reclaim() {
        int reclaimed = 0;
        final int count = allocated;
        for (int i = 0; i < count; i++) {
            final StagingRing ring = rings[i];
            if (!ring.inUse) {
                continue;
            }
            final Thread owner = ring.owner;
            final boolean done = ring.released || (owner != null && !owner.isAlive());
            if (done && ring.isDrained()) {
                synchronized (this) {
                    ring.owner = null;
                    ring.inUse = false;
                    free.addLast(ring);
                    inUse--;
                    notifyAll();
                }
                reclaimed++;
            }
        }
        return reclaimed;
    }

}
