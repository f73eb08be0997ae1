package io.mappedjournal.master;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The caller's side of {@link Master#await} and {@link Master#future}: enqueue in
 * {@link DurabilityWaiters}, ask the master to sync, re-check (no lost wake-up, see
 * {@link DurabilityWaiters}), and park or return a future. Any thread but the master.
 */
final class CallerWaits {
    private final DurabilityWaiters waiters;
    private final JournalState state;
    private final Master master;

    CallerWaits(DurabilityWaiters waiters, JournalState state, Master master) {
        this.waiters = waiters;
        this.state = state;
        this.master = master;
    }

    /** See {@link Master#await}. */
    boolean await(BooleanSupplier condition, long timeoutNanos) throws InterruptedException {
        if (condition.getAsBoolean()) {
            return true;
        }
        final long deadline = System.nanoTime() + timeoutNanos;
        final DurabilityWaiters.Waiter w = waiters.addThread(condition);
        master.requestSync();
        try {
            while (true) {
                // Re-check after enqueueing (the enqueue CAS is a full fence): no lost wake-up.
                if (condition.getAsBoolean()) {
                    return true;
                }
                if (state.getVolatile() == JournalState.FAILED) {
                    throw state.failedException();
                }
                if (state.getVolatile() == JournalState.CLOSED) {
                    return condition.getAsBoolean();
                }
                final long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                LockSupport.parkNanos(master, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(10)));
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for durability: journal=" + state.name());
                }
            }
        } finally {
            w.cancel();
        }
    }

    /** See {@link Master#future}. */
    CompletableFuture<Void> future(BooleanSupplier condition) {
        final CompletableFuture<Void> f = new CompletableFuture<>();
        if (condition.getAsBoolean()) {
            f.complete(null);
            return f;
        }
        if (state.getVolatile() == JournalState.FAILED) {
            f.completeExceptionally(state.failedException());
            return f;
        }
        waiters.addFuture(condition, f);
        master.requestSync();
        // Re-check: the journal may have failed or closed before the enqueue was seen.
        final int s = state.getVolatile();
        if (s == JournalState.FAILED) {
            f.completeExceptionally(state.failedException());
        } else if (s == JournalState.CLOSED && condition.getAsBoolean()) {
            f.complete(null);
        }
        return f;
    }
}
