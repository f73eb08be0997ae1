package io.mappedjournal.master;

import io.mappedjournal.policy.Ordering;
import io.mappedjournal.segment.SegmentLog;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.TicketSource;

import java.io.IOException;

/**
 * How the master moves published records from the staging rings into the segment log: the
 * {@link Ordering} policy on the master's side, chosen once at construction ({@link #of}). Each
 * record's bytes go from its ring straight to {@link SegmentLog#append(long, int)} as an address
 * and a length; an I/O error there propagates out of {@link #drain} as it is. Master thread only.
 */
interface Drain {
    /**
     * The drain for the journal's ordering: {@link TotalOrderDrain} if {@code tickets} issues
     * tickets, else {@link PerProducerDrain}.
     *
     * @param tickets the journal's ticket source
     * @param pool    the staging rings
     * @param log     the segments to write
     * @return the drain
     */
    static Drain of(TicketSource tickets, StagingPool pool, SegmentLog log) {
        return tickets.ordering() == Ordering.TOTAL ? new TotalOrderDrain(pool, log, tickets) : new PerProducerDrain(pool, log);
    }

    /**
     * Writes what the producers have published (as far as the ordering allows) and frees its
     * space in the rings.
     *
     * @param finalPass true for the master's last pass at close
     * @return the records written
     * @throws IOException if writing (or a roll it caused) failed: the journal must fail
     */
    int drain(boolean finalPass) throws IOException;

    /**
     * Read right after a flush request: what the flush must wait for besides this pass (see
     * {@link #wroteAllBelow}).
     *
     * @return total order: the tickets issued so far; else 0
     */
    long flushBound();

    /**
     * Whether every record below {@code bound} (from {@link #flushBound()}) has been written.
     *
     * @param bound a value {@link #flushBound()} returned
     * @return total order: whether the drain has passed that ticket; else true
     */
    boolean wroteAllBelow(long bound);
}
