package io.mappedjournal.master;

import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.SegmentChangedException;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.TicketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Review of issue 12 (a12-review): the master's copy fails with an {@link java.io.IOException}
 * (here a {@link SegmentChangedException}: the segment file was deleted underneath, found by the
 * identity check inside {@code SegmentLog.append}).
 *
 * <p>Before the refactoring (de49244) the copy callback caught the exception into
 * {@code Master.copyFailure}; the ring's drain went on to its end (copying nothing more) and then
 * made its release store of the head, so the ring's drained position and head moved past the
 * records of that pass, and only then did the master throw. After it (int12) the exception leaves
 * {@code PerProducerDrain}/{@code TotalOrderDrain} at once and {@code releaseConsumed()} is never
 * called: the head stays where it was. These tests pin the old behaviour; they fail on int12.
 */
class CopyFailureReleaseTest {
    @TempDir
    Path dir;

    private final FileSyncer syncer = (segment, from, to) -> { };

    @Test
    void perProducerCopyFailureStillReleasesTheRing() throws Exception {
        try (OneSegmentMaster rig = new OneSegmentMaster(dir, syncer, SyncPolicy.none(), 1, TicketSource.NONE)) {
            final StagingRing ring = rig.pool.acquire(Thread.currentThread(), TimeUnit.SECONDS.toNanos(1));
            claimAndFill(ring);
            ring.commit();
            claimAndFill(ring);
            final long published = ring.commit();
            Files.delete(rig.segment.path());

            assertThrows(SegmentChangedException.class, rig.master::doWork);
            assertEquals(published, ring.drainedPosition(),
                    "de49244: the pass that failed still drained the ring to its tail (drainedPosition)");
            assertEquals(0, ring.occupancy(), "de49244: ... and released its head (the space is free again)");
        }
    }

    @Test
    void totalOrderCopyFailureStillReleasesTheTakenRecord() throws Exception {
        final TicketSource.SharedCounter tickets = new TicketSource.SharedCounter();
        try (OneSegmentMaster rig = new OneSegmentMaster(dir, syncer, SyncPolicy.none(), 1, tickets)) {
            final StagingRing ring = rig.pool.acquire(Thread.currentThread(), TimeUnit.SECONDS.toNanos(1));
            claimAndFill(ring);
            final long published = ring.commit(tickets.take());
            Files.delete(rig.segment.path());

            assertThrows(SegmentChangedException.class, rig.master::doWork);
            assertEquals(published, ring.drainedPosition(),
                    "de49244: the record whose copy failed was taken and released (releaseConsumed after the loop)");
            assertEquals(0, ring.occupancy(), "de49244: its space is free again");
        }
    }

    private static void claimAndFill(StagingRing ring) {
        final long index = ring.tryClaim(16);
        assertTrue(index >= 0, "claim");
        for (int i = 0; i < 16; i++) {
            ring.buffer().writeByte(index + i, (byte) 'X');
        }
    }
}
