package io.mappedjournal.jcstress.support;

import io.mappedjournal.staging.StagingRing;

import java.util.ArrayList;
import java.util.List;

/** The arbiter's check shared by the writer-retirement tests. */
public final class Retirement {
    public static final int LENGTH = 16;
    /** First payload byte of the record the ring's next owner appends. */
    public static final int NEW_OWNER_RECORD = 9;

    private Retirement() {
    }

    /**
     * After the actors: the master's later passes (a duty cycle, then the production reclaim that
     * doWork runs every 5 ms), then the ring's reuse by a new owner, who appends one record.
     *
     * @param expected first payload bytes of the records the old owner committed, in order
     * @return 1 if every committed record is in the segment exactly once and in order, followed by
     *         the new owner's record, and that record is durable; otherwise a negative code:
     *         -1 records lost, duplicated or reordered; -2 the reused ring still had the old
     *         owner's open claim (the new owner's first append would throw); -3 the old owner's
     *         uncommitted record leaked into the segment; -4 ring not reclaimed although released
     *         (or owner dead) and drained; -5 new owner's record not durable after its sync (5 s of passes)
     */
    public static int checkAfterRetirement(MasterRig rig, List<Integer> expected, int uncommittedValue) {
        rig.doWork();
        rig.pool.reclaim();
        if (rig.pool.inUse() != 0) {
            return -4;
        }
        final StagingRing ring;
        try {
            ring = rig.pool.acquire(null, 0);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        if (ring == null) {
            return -4;
        }
        if (ring.hasPendingClaim()) {
            return -2; // JournalWriter.claimIndex throws "a claim is open on this writer" on every append
        }
        final long position = Rings.append(ring, LENGTH, (byte) NEW_OWNER_RECORD);
        rig.doWork();
        final List<Integer> frames = rig.framesInSlice();
        if (frames.contains(uncommittedValue)) {
            return -3;
        }
        final List<Integer> want = new ArrayList<>(expected);
        want.add(NEW_OWNER_RECORD);
        if (!frames.equals(want)) {
            return -1;
        }
        // ALWAYS: that pass started the policy's sync on the sealer thread; a later pass publishes it.
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (ring.durablePositionVolatile() < position && System.nanoTime() < deadline) {
            rig.doWork();
        }
        return ring.durablePositionVolatile() >= position ? 1 : -5;
    }
}
