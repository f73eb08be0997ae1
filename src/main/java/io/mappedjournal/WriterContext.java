package io.mappedjournal;

import io.mappedjournal.master.JournalState;
import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.staging.TicketSource;


/**
 * What a {@link JournalWriter} needs from its journal, and nothing more: the state it checks on
 * every append, the settings it reads once, and the three calls it makes off the fast path (wake
 * the master when blocked, count a refusal after close, give its ring back). Implemented by
 * {@link WriterPool}; a writer never sees the {@link Journal}.
 */
interface WriterContext {
    /** The journal's lifecycle state, read (volatile) by every append. */
    JournalState state();

    /** What an append does when its ring is full. */
    Backpressure backpressure();

    /** BLOCK: how long an append waits for space before it throws. */
    long blockTimeoutNanos();

    /** The longest record accepted, in bytes. */
    int maxRecordSize();

    /** How an append publishes: {@link TicketSource#NONE} in per-producer order, a shared counter in total order. */
    TicketSource tickets();

    /** Wakes the master (a blocked append wants its ring drained now). */
    void wakeMaster();

    /**
     * Counts a refused append of a writer that no longer owns its ring (closed): the ring's own
     * counters belong to its current owner and are updated without atomics.
     */
    void countRejectedWithoutRing();

    /** Gives a closed writer's ring back to the pool (and forgets it as its thread's writer). */
    void release(JournalWriter writer);
}
