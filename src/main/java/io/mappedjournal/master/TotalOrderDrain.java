package io.mappedjournal.master;

import io.mappedjournal.segment.SegmentLog;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.TicketSource;

import java.io.IOException;

/**
 * Total order ({@link io.mappedjournal.policy.Ordering#TOTAL}): a merge of the rings by ticket.
 * Tickets are dense (0, 1, 2, ...), so the master takes the record holding {@code nextTicket}
 * wherever it is; if no ring has published it yet (its producer took the ticket and has not stored
 * its tail), the pass ends and the next pass tries again. Only the final pass at close skips such
 * a hole: that producer's publish came after the last drain, so it is told its append raced close.
 */
final class TotalOrderDrain implements Drain {
    private final StagingPool pool;
    private final SegmentLog log;
    private final TicketSource tickets;
    /** The ticket of the next record to write. Master only. */
    private long nextTicket;

    TotalOrderDrain(StagingPool pool, SegmentLog log, TicketSource tickets) {
        this.pool = pool;
        this.log = log;
        this.tickets = tickets;
    }

    @Override
    public int drain(boolean finalPass) throws IOException {
        int records = 0;
        final int count = pool.allocated();
        while (true) {
            StagingRing best = null;
            long bestTicket = Long.MAX_VALUE;
            for (int i = 0; i < count; i++) {
                final StagingRing ring = pool.ring(i);
                final long stored = ring.peekTicket(); // acquires the ring's tail when it ran out
                final long t = stored == -1 ? -1 : StagingRing.ticketOf(stored);
                if (t >= 0 && t < bestTicket) {
                    bestTicket = t;
                    best = ring;
                }
            }
            if (best == null || (bestTicket != nextTicket && !finalPass)) {
                break;
            }
            long stored;
            do {
                // A void record (its append failed after taking the ticket) uses the ticket, writes nothing.
                final boolean write = best.peekTicket() >= 0;
                final int length = best.nextRecord();
                if (write) {
                    try {
                        log.append(best.payloadAddress(), length);
                    } catch (IOException e) {
                        // the journal fails; nothing more is written. The failed record is given up and
                        // what was consumed freed, as a pass that ends normally would
                        best.consumeRecord();
                        releaseAll(count);
                        throw e;
                    }
                    records++;
                }
                best.consumeRecord();
                nextTicket = bestTicket + 1;
                stored = best.peekTicket();
                bestTicket = stored == -1 ? -1 : StagingRing.ticketOf(stored);
            } while (bestTicket == nextTicket);
        }
        releaseAll(count);
        return records;
    }

    private void releaseAll(int count) {
        for (int i = 0; i < count; i++) {
            pool.ring(i).releaseConsumed(); // release store of the head: the copies above come first
        }
    }

    @Override
    public long flushBound() {
        // Read after the flush request, so every append that returned before those flush calls
        // holds a ticket below this bound. The drain stops at a ticket taken but not yet
        // published, and records behind it wait: the flush must wait for them.
        return tickets.issued();
    }

    @Override
    public boolean wroteAllBelow(long bound) {
        return nextTicket >= bound;
    }
}
