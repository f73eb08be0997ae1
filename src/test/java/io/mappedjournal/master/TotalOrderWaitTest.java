package io.mappedjournal.master;

import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.TicketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Total order and durability waits (issue 11, defect 4): producer A has taken ticket 0 but not yet
 * published it; producer B published ticket 1 and waits for its record ({@code durableFuture}).
 * The master's pass that sees B's request drains nothing (the drain stops at the hole), so it has
 * nothing to sync; A publishes; the next pass writes both records. Under {@code NONE} nothing but a
 * waiter makes the master sync, so the request must still be pending then: the future completes.
 * Driven pass by pass on a production {@link Master}.
 */
class TotalOrderWaitTest {
    @TempDir
    Path dir;

    @Test
    void aWaiterBehindAnUnpublishedTicketIsSyncedOnceTheHoleCloses() throws Exception {
        final AtomicInteger syncs = new AtomicInteger();
        final FileSyncer syncer = (segment, from, to) -> syncs.incrementAndGet();
        final TicketSource.SharedCounter tickets = new TicketSource.SharedCounter();
        try (OneSegmentMaster rig = new OneSegmentMaster(dir, syncer, SyncPolicy.none(), 2, tickets)) {
            final Master master = rig.master;
            final int syncsAtStart = syncs.get(); // the segment header's sync at activation
            final StagingRing a = rig.pool.acquire(Thread.currentThread(), TimeUnit.SECONDS.toNanos(1));
            final StagingRing b = rig.pool.acquire(Thread.currentThread(), TimeUnit.SECONDS.toNanos(1));

            claimAndFill(a);
            final long ticketA = tickets.take(); // A took ticket 0 ... and is descheduled here
            claimAndFill(b);
            final long receiptB = b.commit(tickets.take()); // B's append returned
            final CompletableFuture<Void> durableB = master.future(() -> b.durablePositionVolatile() >= receiptB);

            master.doWork(); // sees B's request; the drain stops at ticket 0: nothing written, nothing to sync
            assertEquals(0, master.writtenSequence(), "the drain stops at the unpublished ticket 0");
            assertFalse(durableB.isDone(), "B's record is not even written");

            a.commit(ticketA); // A publishes ticket 0
            for (int pass = 0; pass < 5; pass++) {
                master.doWork();
            }
            assertEquals(2, master.writtenSequence(), "both records written, in ticket order");
            assertTrue(syncs.get() > syncsAtStart, "B still waits, so a pass after the hole closed must sync");
            assertTrue(durableB.isDone(), "B's future completes once its record is written and synced: durableSequence="
                    + master.durableSequence() + " syncs=" + (syncs.get() - syncsAtStart));
            assertEquals(2, master.durableSequence());
        }
    }

    private static void claimAndFill(StagingRing ring) {
        final long index = ring.tryClaim(16);
        assertTrue(index >= 0, "claim");
        for (int i = 0; i < 16; i++) {
            ring.buffer().writeByte(index + i, (byte) 'x');
        }
    }
}
