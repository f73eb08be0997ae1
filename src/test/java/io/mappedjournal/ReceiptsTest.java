package io.mappedjournal;

import io.mappedjournal.staging.StagingRing;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, defect 3: a receipt keeps 48 bits of ring position, the ring's durable position is a
 * full 64-bit position. A ring that has passed 2^48 bytes (256 TiB: days for one long-lived
 * writer) must not make its receipts read durable when nothing was synced. The seam starts a ring
 * just below 2^48; the master drains the records (copying them into the segment) and every sync
 * fails, so the ring's durable position never moves.
 */
class ReceiptsTest {
    private static final int CAPACITY = 4096;

    @Test
    void receiptsAcrossTheTwoToTheFortyEighthBoundaryAreNotDurableWhenNothingWasSynced() {
        final long start = (1L << Receipts.POSITION_BITS) - 2L * CAPACITY;
        final StagingRing ring = StagingRing.startingAtForTest(3, CAPACITY, start);
        final List<Long> receipts = new ArrayList<>();
        // 40 records of 200 bytes (~8.6 KiB): across the boundary, drained as they go.
        for (int n = 0; n < 40; n++) {
            final long index = ring.tryClaim(200);
            assertTrue(index >= 0, "claim " + n);
            receipts.add(Receipts.pack(ring.id(), ring.commit()));
            ring.drain((r, i, l) -> { });
        }
        assertTrue(ring.drainedPosition() > 1L << Receipts.POSITION_BITS, "the ring passed 2^48: " + ring.drainedPosition());
        // Every sync failed: nothing was published durable.
        for (int n = 0; n < receipts.size(); n++) {
            assertFalse(Receipts.isDurable(ring, receipts.get(n)), "record " + n + " was never synced, yet its receipt "
                    + Long.toHexString(receipts.get(n)) + " reads durable (durable position " + ring.durablePositionVolatile() + ")");
            assertEquals(3, Receipts.ringId(receipts.get(n)));
        }
        // A sync that covers the first half makes exactly those durable.
        final int half = receipts.size() / 2;
        ring.publishDurable(Receipts.fullPosition(ring, receipts.get(half - 1)));
        for (int n = 0; n < receipts.size(); n++) {
            assertEquals(n < half, Receipts.isDurable(ring, receipts.get(n)), "record " + n + " after a sync of the first half");
        }
        ring.publishDurable(ring.drainedPosition());
        for (int n = 0; n < receipts.size(); n++) {
            assertTrue(Receipts.isDurable(ring, receipts.get(n)), "record " + n + " after a sync of everything");
        }
    }

    @Test
    void aReceiptDecodesToItsFullPositionWhileWithinTwoToTheFortyEighthOfTheTail() {
        final long start = 5L * (1L << Receipts.POSITION_BITS) - CAPACITY;
        final StagingRing ring = StagingRing.startingAtForTest(0, CAPACITY, start);
        assertTrue(ring.tryClaim(100) >= 0);
        final long end = ring.commit();
        final long receipt = Receipts.pack(0, end);
        assertEquals(end, Receipts.fullPosition(ring, receipt));
        for (int n = 0; n < 60; n++) { // move the tail on past the next multiple of 2^48
            assertTrue(ring.tryClaim(100) >= 0);
            ring.commit();
            ring.drain((r, i, l) -> { });
        }
        assertTrue(ring.publishedPosition() > 5L << Receipts.POSITION_BITS);
        assertEquals(end, Receipts.fullPosition(ring, receipt), "decoded against the newer tail");
    }
}
