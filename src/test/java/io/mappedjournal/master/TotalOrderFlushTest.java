package io.mappedjournal.master;

import io.mappedjournal.format.FrameDecoder;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.TicketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Total order and {@code flush()}: producer A has taken ticket 0 but not yet published it;
 * producer B published ticket 1 and then asks for a flush. The master's drain stops at the hole
 * (ticket 0), so B's record is not written yet: the flush must not complete until it is (a flush
 * promises that every append returned before it is durable). Driven pass by pass on a production
 * {@link Master}, with a syncer that records what it made durable.
 */
class TotalOrderFlushTest {
    @TempDir
    Path dir;

    @Test
    void flushWaitsForRecordsBehindAnUnpublishedTicket() throws Exception {
        final AtomicLong syncedTo = new AtomicLong(-1);
        final FileSyncer syncer = (segment, from, to) -> syncedTo.set(to);
        final TicketSource.SharedCounter tickets = new TicketSource.SharedCounter();
        try (OneSegmentMaster rig = new OneSegmentMaster(dir, syncer, SyncPolicy.none(), 2, tickets)) {
            final Master master = rig.master;
            final StagingRing a = rig.pool.acquire(Thread.currentThread(), TimeUnit.SECONDS.toNanos(1));
            final StagingRing b = rig.pool.acquire(Thread.currentThread(), TimeUnit.SECONDS.toNanos(1));

            final long indexA = claimAndFill(a, (byte) 'A');
            final long ticketA = tickets.take(); // A took ticket 0 ... and is descheduled here
            claimAndFill(b, (byte) 'B');
            b.commit(tickets.take());            // B published ticket 1: its append returned
            final long flush = master.requestFlush();       // B calls flush()

            master.doWork();
            master.doWork();
            assertEquals(0, master.writtenSequence(), "the drain stops at the unpublished ticket 0");
            assertFalse(master.isFlushed(flush), "B's record (ticket 1) is not written, so the flush cannot be done");

            a.commit(ticketA);                               // A publishes ticket 0
            assertTrue(indexA >= 0);
            master.doWork();
            assertEquals(2, master.writtenSequence(), "both written, in ticket order");
            assertTrue(master.isFlushed(flush), "the flush completes once everything before it is written and synced");
            assertEquals(2, master.durableSequence());
            assertTrue(syncedTo.get() > SegmentHeaderDescriptor.DATA_OFFSET, "a sync covered the frames");

            final FrameDecoder decoder = new FrameDecoder();
            long offset = SegmentHeaderDescriptor.DATA_OFFSET;
            for (int seq = 0; seq < 2; seq++) {
                assertEquals(FrameDecoder.VALID, decoder.decode(rig.segment.store(), offset, OneSegmentMaster.LENGTH, seq), "frame " + seq);
                assertEquals(seq == 0 ? 'A' : 'B', decoder.payload()[0], "ticket order: A's record first");
                offset += decoder.frameLength();
            }
        }
    }

    private static long claimAndFill(StagingRing ring, byte value) {
        final long index = ring.tryClaim(16);
        assertTrue(index >= 0, "claim");
        for (int i = 0; i < 16; i++) {
            ring.buffer().writeByte(index + i, value);
        }
        return index;
    }
}
