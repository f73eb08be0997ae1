package io.mappedjournal.master;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Callers waiting for durability. Only callers that wait are here: producers that never wait
 * pay nothing.
 *
 * <p>No lost wake-up: a waiter enqueues itself (a CAS, so a full fence) and then re-reads the
 * durable position; the master stores the durable position (volatile) and then scans the queue.
 * Whichever comes second sees the other's write. A waiter is woken only once its own condition
 * holds, so a sync wakes exactly the waiters it made durable.
 */
public final class DurabilityWaiters {
    private final ConcurrentLinkedQueue<Waiter> queue = new ConcurrentLinkedQueue<>();
    private final Executor futureExecutor;

    /**
     * Creates an empty set of waiters.
     *
     * @param futureExecutor completes the futures of waiters, so that callbacks never run on the master
     */
    public DurabilityWaiters(Executor futureExecutor) {
        this.futureExecutor = futureExecutor;
    }

    /** One waiting caller: a parked thread or a future. */
    static final class Waiter {
        final BooleanSupplier condition;
        final Thread thread;
        final CompletableFuture<Void> future;
        volatile boolean done;
        volatile boolean cancelled;

        Waiter(BooleanSupplier condition, Thread thread, CompletableFuture<Void> future) {
            this.condition = condition;
            this.thread = thread;
            this.future = future;
        }

        boolean isDone() {
            return done;
        }

        void cancel() {
            cancelled = true;
        }
    }

    Waiter addThread(BooleanSupplier condition) {
        final Waiter w = new Waiter(condition, Thread.currentThread(), null);
        queue.add(w);
        return w;
    }

    Waiter addFuture(BooleanSupplier condition, CompletableFuture<Void> future) {
        final Waiter w = new Waiter(condition, null, future);
        queue.add(w);
        return w;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Master: wakes every waiter whose condition now holds, and drops cancelled ones. */
    int wakeSatisfied() {
        int woken = 0;
        for (Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
            final Waiter w = it.next();
            if (w.cancelled) {
                it.remove();
            } else if (w.condition.getAsBoolean()) {
                it.remove();
                wake(w, null);
                woken++;
            }
        }
        return woken;
    }

    /** Wakes everyone with {@code failure} (or normally if null): the journal stopped. */
    void wakeAll(Throwable failure) {
        for (Waiter w; (w = queue.poll()) != null; ) {
            wake(w, failure);
        }
    }

    private void wake(Waiter w, Throwable failure) {
        w.done = true;
        if (w.thread != null) {
            LockSupport.unpark(w.thread);
        } else if (failure == null) {
            // Completed on another thread: callbacks a user chains must never run on the master.
            futureExecutor.execute(() -> w.future.complete(null));
        } else {
            futureExecutor.execute(() -> w.future.completeExceptionally(failure));
        }
    }
}
