package io.mappedjournal;

import io.mappedjournal.master.JournalState;
import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.WriterCounters;

import java.util.concurrent.locks.LockSupport;

/**
 * What a {@link JournalWriter}'s append does when its staging ring is full, per the
 * {@link Backpressure} chosen at open: DROP counts and drops, FAIL counts and throws, BLOCK waits
 * for the master to free space (a few yields, then parks doubling up to a bound) until the block
 * timeout, an interrupt, or the journal leaving OPEN. Off the fast path: only a full ring gets here.
 *
 * <p>Threading: the writer's thread only, as the writer itself.
 */
final class FullRing {
    /** BLOCK: yields before a blocked append starts to park. */
    private static final int BLOCK_YIELDS = 10;
    /** BLOCK: the first park; it doubles up to {@link #BLOCK_MAX_PARK_NANOS}. */
    private static final long BLOCK_MIN_PARK_NANOS = 1_000;
    /** BLOCK: the longest a blocked append sleeps between looks at its ring. */
    private static final long BLOCK_MAX_PARK_NANOS = 100_000;

    private final WriterContext context;
    private final JournalState state;
    private final StagingRing ring;
    private final WriterCounters counters;
    private final Backpressure backpressure;
    private final long blockTimeoutNanos;

    FullRing(WriterContext context, StagingRing ring) {
        this.context = context;
        this.state = context.state();
        this.ring = ring;
        this.counters = ring.counters();
        this.backpressure = context.backpressure();
        this.blockTimeoutNanos = context.blockTimeoutNanos();
    }

    /**
     * The ring had no room for {@code length} bytes: drops ({@code -1}), throws, or waits for room
     * and returns the claimed index, as the backpressure says.
     */
    long onFull(int length) {
        switch (backpressure) {
            case DROP:
                counters.onDropped();
                return -1;
            case FAIL:
                counters.onRejected();
                throw new StagingFullException("staging ring full (backpressure FAIL): ring=" + ring.id()
                        + " capacity=" + ring.capacity() + " length=" + length);
            default:
                return blockForSpace(length);
        }
    }

    private long blockForSpace(int length) {
        final long start = System.nanoTime();
        final long deadline = start + blockTimeoutNanos;
        context.wakeMaster();
        long parkNanos = BLOCK_MIN_PARK_NANOS;
        int yields = 0;
        while (true) {
            final long index = ring.tryClaim(length);
            if (index >= 0) {
                counters.onBlocked(System.nanoTime() - start);
                return index;
            }
            if (state.getVolatile() != JournalState.OPEN) {
                counters.onBlocked(System.nanoTime() - start);
                counters.onRejected();
                throw state.notOpen();
            }
            final long now = System.nanoTime();
            if (Thread.currentThread().isInterrupted()) {
                // An interrupt ends the wait: parkNanos returns at once while the flag is set, so
                // waiting on would spin until the deadline. Nothing was claimed; the flag is kept.
                counters.onBlocked(now - start);
                counters.onRejected();
                throw new StagingFullException("interrupted while blocked on a full staging ring: ring=" + ring.id()
                        + " capacity=" + ring.capacity() + " length=" + length,
                        new InterruptedException("append interrupted under backpressure BLOCK"));
            }
            if (now - deadline >= 0) {
                counters.onBlocked(now - start);
                counters.onRejected();
                throw new StagingFullException("staging ring still full after blockTimeout: timeoutMs="
                        + blockTimeoutNanos / 1_000_000 + " ring=" + ring.id() + " capacity=" + ring.capacity()
                        + " length=" + length);
            }
            if (yields < BLOCK_YIELDS) {
                // A few yields first: the master may be about to drain this ring.
                yields++;
                Thread.yield();
            } else {
                // Then sleep: a blocked producer that keeps yielding competes for the core the
                // master needs to free its space (with more producers than cores, the master got
                // a 1/(producers+1) share of the CPU while they all yielded).
                LockSupport.parkNanos(Math.min(parkNanos, deadline - now));
                parkNanos = Math.min(parkNanos * 2, BLOCK_MAX_PARK_NANOS);
            }
        }
    }
}
