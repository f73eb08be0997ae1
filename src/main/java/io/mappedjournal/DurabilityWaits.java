package io.mappedjournal;

import io.mappedjournal.master.JournalState;
import io.mappedjournal.master.Master;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.StagingRing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The durability waits behind {@link Journal#isDurable}, {@link Journal#awaitDurable},
 * {@link Journal#durableFuture} and {@link Journal#flush(long, java.util.concurrent.TimeUnit)}:
 * decodes a receipt against its staging ring and waits (or registers a future) on the master's
 * durable positions.
 *
 * <p>Threading: any thread.
 */
final class DurabilityWaits {
    private final JournalState state;
    private final StagingPool pool;
    private final Master master;

    DurabilityWaits(JournalState state, StagingPool pool, Master master) {
        this.state = state;
        this.pool = pool;
        this.master = master;
    }

    /** See {@link Journal#isDurable}. */
    boolean isDurable(long receipt) {
        checkReceipt(receipt);
        return Receipts.isDurable(pool.ring(Receipts.ringId(receipt)), receipt);
    }

    /** See {@link Journal#awaitDurable}. */
    boolean awaitDurable(long receipt, long timeout, TimeUnit unit) throws InterruptedException {
        final BooleanSupplier durable = durable(receipt); // before the unit, as the API documents: a bad receipt is named first
        return master.await(durable, unit.toNanos(timeout));
    }

    /** See {@link Journal#durableFuture}. */
    CompletableFuture<Void> durableFuture(long receipt) {
        return master.future(durable(receipt));
    }

    /** The condition "the record behind {@code receipt} is durable", the receipt checked and decoded once, against the tail now. */
    private BooleanSupplier durable(long receipt) {
        checkReceipt(receipt);
        final StagingRing ring = pool.ring(Receipts.ringId(receipt));
        final long position = Receipts.fullPosition(ring, receipt);
        return () -> ring.durablePositionVolatile() >= position;
    }

    /** See {@link Journal#flush(long, java.util.concurrent.TimeUnit)}. */
    boolean flush(long timeoutNanos) throws InterruptedException {
        final int s = state.getVolatile();
        if (s == JournalState.FAILED) {
            throw state.failedException();
        }
        if (s == JournalState.CLOSED) {
            return true; // close drained and synced everything that was accepted
        }
        final long ticket = master.requestFlush();
        // CLOSED counts as flushed: a request taken while closing, after the master's last pass
        // completed the flushes but before CLOSED, is never marked complete, yet close drained and
        // synced everything accepted (issue 14, item 4). FAILED makes the wait throw instead.
        return master.await(() -> master.isFlushed(ticket) || state.getVolatile() == JournalState.CLOSED,
                timeoutNanos);
    }

    private void checkReceipt(long receipt) {
        if (receipt < 0 || Receipts.ringId(receipt) >= pool.allocated()) {
            throw new IllegalArgumentException("not a receipt of this journal: receipt=" + receipt
                    + (receipt == Journal.DROPPED ? " (DROPPED: the record was not appended)" : ""));
        }
    }
}
