package io.mappedjournal.master;

import io.mappedjournal.policy.IdleStrategy;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.SealListener;
import io.mappedjournal.segment.SegmentLog;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.TicketSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that writes segments. Its duty cycle ({@link #doWork()}):
 * <ol>
 *   <li>drain every staging ring, framing and copying each record into the active segment
 *       (journal order keeps each producer's own order; the {@link Drain} chosen from the
 *       journal's ordering decides the rest);</li>
 *   <li>sync when a caller is waiting (here, on the master), or start the sync the
 *       {@link SyncPolicy} asks for on the sealer thread (each ring's drained position is
 *       snapshotted as it starts; the master waits for it only if the policy wants the next sync
 *       before it finished);</li>
 *   <li>after a sync: advance the durable watermark (per ring and journal-wide; for a background
 *       sync, to the snapshot), then wake exactly the waiters whose records it covered;</li>
 *   <li>reclaim rings of writers that closed or died, roll by time, checkpoint the manifest;</li>
 *   <li>return the work done; the {@link IdleStrategy} backs off when there was none.</li>
 * </ol>
 * A failed sync fails the journal: it is never retried, nothing is acknowledged after it, and
 * every waiter gets the cause.
 */
public final class Master implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Master.class);
    /** The master thread's name is this, then the journal's name. */
    public static final String THREAD_NAME_PREFIX = "mapped-journal-master:";
    private static final long RECLAIM_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final StagingPool pool;
    private final SegmentLog log;
    private final SyncPolicy syncPolicy;
    private final IdleStrategy idle;
    private final JournalState state;
    private final DurabilityWaiters waiters;
    private final MasterMetrics metrics;
    private final long slowSyncNanos;
    /** Per-producer or total order, chosen once from the journal's ordering. */
    private final Drain drain;

    /** Set by a caller who waits: sync at the end of this pass, whatever the policy. */
    private volatile boolean syncRequested;
    private final AtomicLong flushRequested = new AtomicLong();
    private volatile long flushCompleted;
    /** Every sequence below this is durable. Master writes (volatile), anyone reads. */
    private volatile long durableSequence;
    /** Every sequence below this has been written to a segment (visible to readers). */
    private volatile long writtenSequence;
    private volatile boolean stopRequested;
    /** For health: nanoTime of the oldest unsynced write, 0 when everything written is synced. */
    private volatile long unsyncedSinceNanos;
    /** For health: how long the last sync took. */
    private volatile long lastSyncNanos;
    private volatile Thread thread;
    private long lastReclaimNanos;
    private long recordsSinceSync;
    /** Each ring's drained position when the background sync in flight started. */
    private final RingPositions syncSnapshot;
    /** Each ring's consumed position when the roll being sealed began. */
    private final RingPositions sealSnapshot;
    /** The caller's side of {@link #await} and {@link #future}. */
    private final CallerWaits waits;
    /** Records the background sync in flight covers (for the records-per-sync metric). */
    private long recordsInBackgroundSync;
    /** The flush request being served; equal to {@link #flushCompleted} when none is. Master only. */
    private long flushTarget;
    /**
     * The drain's {@link Drain#flushBound()} read with the flush requests up to {@link #flushTarget}
     * (total order: every append that returned before them took a ticket below it); the flush
     * completes once the drain has written everything below it.
     */
    private long flushBound;

    /**
     * Creates a master over an open segment log; {@link #start} runs it.
     *
     * @param pool          the staging rings to drain
     * @param log           the segments to write (its durable and next sequences are the starting point)
     * @param syncPolicy    when to sync without a waiting caller
     * @param idle          how to back off after a pass that did no work
     * @param state         the journal's lifecycle
     * @param waiters       the callers waiting for durability
     * @param metrics       where the master records its counters and histograms
     * @param slowSyncNanos a sync taking longer is logged and counted as slow
     * @param tickets       the journal's ticket source, which the appends publish through: a shared
     *                      counter makes the master write in ticket order across rings (total
     *                      order), {@link TicketSource#NONE} drains each ring in turn
     */
    public Master(StagingPool pool, SegmentLog log, SyncPolicy syncPolicy, IdleStrategy idle, JournalState state,
                  DurabilityWaiters waiters, MasterMetrics metrics, long slowSyncNanos, TicketSource tickets) {
        this.drain = Drain.of(tickets, pool, log);
        this.syncSnapshot = new RingPositions(pool);
        this.sealSnapshot = new RingPositions(pool);
        this.waits = new CallerWaits(waiters, state, this);
        this.pool = pool;
        this.log = log;
        this.syncPolicy = syncPolicy;
        this.idle = idle;
        this.state = state;
        this.waiters = waiters;
        this.metrics = metrics;
        this.slowSyncNanos = slowSyncNanos;
        this.durableSequence = log.durableSequence();
        this.writtenSequence = log.nextSequence();
        log.sealListener(new SealListener() {
            @Override
            public void beforeSeal() {
                snapshotConsumed();
            }

            @Override
            public void sealed() {
                publishSealed();
            }
        });
    }

    /**
     * Starts the master thread (a daemon). Call once, from the opening thread.
     *
     * @param name the journal's name, part of the thread's name
     */
    public void start(String name) {
        final Thread t = new Thread(this, THREAD_NAME_PREFIX + name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /**
     * The master thread's body (see {@link #start}): duty cycles until stopped, then a final pass
     * and a clean close. Any error fails the journal.
     */
    @Override
    public void run() {
        try {
            while (!stopRequested) {
                idle.idle(doWork());
            }
            // Close: the journal state is CLOSING before stopRequested was set, so every append
            // that saw OPEN after publishing is visible to this last pass (see Journal#close).
            doWork();
            finishClose();
        } catch (Throwable t) {
            fail(t);
        }
    }

    /**
     * One duty cycle. Public for tests that drive the master by hand. Master thread only (or the
     * test thread driving a master that was never started).
     *
     * @return the work done (records written, syncs, flushes, waiters woken, rings reclaimed, ...);
     *         0 when the pass found nothing to do
     * @throws IOException if writing, syncing, rolling or a manifest write failed: the journal must
     *                     fail, and this is never called again
     */
    public int doWork() throws IOException {
        final Throwable external = externalFailure; // volatile read
        if (external != null) {
            throw external instanceof IOException ? (IOException) external : new IOException(external);
        }
        if (flushTarget == flushCompleted) {
            // Read the flush request BEFORE draining: every append that happened before the flush
            // call is then visible to the drain below (the request's increment is a full fence).
            final long requested = flushRequested.get();
            if (requested > flushCompleted) {
                flushTarget = requested;
                // Read after the request (total order: the tickets issued, see TotalOrderDrain).
                flushBound = drain.flushBound();
            }
        }
        final boolean waiting = syncRequested;
        if (waiting) {
            syncRequested = false;
        }
        final int records = drain.drain(stopRequested);
        metrics.onDrain(records);
        recordsSinceSync += records;
        if (records > 0) {
            writtenSequence = log.nextSequence(); // release: frames are published before this
        }
        int work = records;
        final long now = System.nanoTime();
        final boolean flushPending = flushTarget > flushCompleted && drain.wroteAllBelow(flushBound);
        // A waiter still queued from an earlier pass keeps the sync pending: its record may have
        // been behind a ticket taken but not yet published (total order), so the pass that saw its
        // request drained and synced nothing for it, and nothing else will ask again (issue 11,
        // defect 4). A waiter leaves the queue once its condition holds (or it gave up).
        final boolean urgent = waiting || flushPending || !waiters.isEmpty();
        if (urgent && !log.fullySynced()) {
            // A caller waits: sync here and now (after the background sync in flight, if any).
            sync();
            work++;
        } else if (urgent) {
            // Everything drained is already synced (e.g. by a roll): publish it.
            publishDurable();
        } else if (log.unsyncedBytesAfterInFlight() > 0 && syncPolicy.shouldSync(log.unsyncedBytesAfterInFlight(),
                log.oldestUnsyncedAfterInFlightNanos(), now)) {
            // The policy's group commit runs on the sealer thread, so the master keeps draining
            // while the disk writes. If the previous one is still running when the policy wants
            // the next, the master waits for it first: the loss window stays the policy's
            // interval plus one sync, as when the master synced inline.
            if (log.syncInFlight()) {
                log.awaitSync();
            }
            // Publish a finished sync (just awaited, or finished at a roll) BEFORE the next one
            // starts: the snapshot below replaces the one that says what the finished sync covered.
            work += reportBackgroundSync();
            if (log.startSync()) {
                snapshotDrained(); // what it covers is fixed now: each ring's drained position
                work++;
            }
        }
        work += reportBackgroundSync();
        if (flushPending) {
            flushCompleted = flushTarget;
            work++;
        }
        final long since = log.fullySynced() ? 0 : log.oldestUnsyncedNanos();
        if (since != unsyncedSinceNanos) {
            unsyncedSinceNanos = since;
        }
        if (!waiters.isEmpty()) {
            work += waiters.wakeSatisfied();
        }
        if (log.pollSeal()) {
            // Only the sealed segment became durable: the journal-wide watermark moves, the rings'
            // durable positions wait for the next full sync (their records may be in the new segment).
            durableSequence = log.durableSequence();
            work++;
        }
        if (now - lastReclaimNanos > RECLAIM_INTERVAL_NANOS) {
            lastReclaimNanos = now;
            work += pool.reclaim();
            log.maybeRollByTime(System.currentTimeMillis());
        }
        return work;
    }

    private void sync() throws IOException {
        final long start = System.nanoTime();
        log.sync();
        onSyncDone(System.nanoTime() - start, recordsSinceSync);
        recordsSinceSync = 0;
        publishDurable();
        log.maybeCheckpoint();
    }

    /** Metrics and the slow-sync warning for a sync that took {@code nanos} and covered {@code records}. */
    private void onSyncDone(long nanos, long records) {
        lastSyncNanos = nanos;
        metrics.onSync(nanos, records);
        if (nanos > slowSyncNanos) {
            metrics.onSlowSync();
            LOG.warn("slow sync: {} ms for {} (threshold {} ms)", nanos / 1_000_000, log.activeSegment().path(),
                    slowSyncNanos / 1_000_000);
        }
    }

    /** A background sync started: remember what it covers (the rings' drained positions now). */
    private void snapshotDrained() {
        syncSnapshot.takeDrained();
        recordsInBackgroundSync = recordsSinceSync;
        recordsSinceSync = 0;
    }

    /** Publishes the background sync that finished since the last report, if any: 1 if one did, else 0. */
    private int reportBackgroundSync() throws IOException {
        final long startNanos = log.pollSync();
        if (startNanos < 0) {
            return 0;
        }
        finishBackgroundSync(startNanos);
        return 1;
    }

    /**
     * The background sync finished (here, or inside a blocking sync or a roll that waited for it):
     * what it covered is durable. A blocking sync may have published more already; ring durable
     * positions only move forward.
     */
    private void finishBackgroundSync(long startNanos) throws IOException {
        onSyncDone(System.nanoTime() - startNanos, recordsInBackgroundSync);
        recordsInBackgroundSync = 0;
        syncSnapshot.publishDurable();
        durableSequence = log.durableSequence();
        log.maybeCheckpoint();
    }

    /** After a sync: every ring's drained records are durable, and so is the journal up to here. */
    private void publishDurable() {
        RingPositions.publishDrained(pool); // forward only: a seal may have published more mid-pass
        durableSequence = log.durableSequence();
    }

    /**
     * A roll is sealing the active segment (inside the copy of a record that did not fit, or by
     * time): remember how far each ring has been copied into it. The ring whose record triggered
     * the roll reports the start of that record.
     */
    private void snapshotConsumed() {
        sealSnapshot.takeConsumed();
    }

    /**
     * The roll's seal sync succeeded (inline at the roll, or on the sealer thread): what it sealed
     * is durable. Published at once, so durability advances with every roll even when no sync of
     * the master's own ever runs (issue 14, item 3: segments rolling faster than the batch
     * interval kept the watermark at 0).
     */
    private void publishSealed() {
        sealSnapshot.publishDurable(); // volatile stores, forward only
        durableSequence = log.durableSequence(); // volatile store; waiters re-check after enqueueing
    }

    private void finishClose() throws IOException {
        log.closeClean();
        publishDurable();
        flushCompleted = flushRequested.get();
        flushTarget = flushCompleted;
        state.closed();
        waiters.wakeSatisfied();
        waiters.wakeAll(state.notOpen()); // anything still waiting was for a record that never landed
    }

    private void fail(Throwable failure) {
        // A SIGBUS surfaces as an InternalError wherever HotSpot delivers it: name the segment.
        final Throwable t = log.explainFailure(failure);
        metrics.onError();
        state.fail(t);
        LOG.error("journal failed: journal={} cause={}", state.name(), t.toString());
        try {
            log.close();
        } catch (RuntimeException e) {
            t.addSuppressed(e);
        }
        waiters.wakeAll(state.failedException());
    }

    // ------------------------------------------------------------------ callers

    /** A failure found on another thread, for the master to fail the journal with; see {@link #failFromAnotherThread}. */
    private volatile Throwable externalFailure;

    /**
     * Fails the journal for a failure found outside the master (retention's manifest write or
     * directory fsync, on the caller's thread): the state is FAILED on return, so appends and new
     * waits refuse at once; the master's next pass then closes the log and wakes every waiter,
     * as for a failure of its own. Any thread.
     *
     * @param failure the cause
     */
    public void failFromAnotherThread(Throwable failure) {
        state.fail(failure);
        externalFailure = failure; // volatile store, read at the start of the master's next pass
        wake();
    }

    /** Asks the master to sync at the end of its current pass, and wakes it. */
    void requestSync() {
        syncRequested = true;
        wake();
    }

    /** Unparks the master thread, if started. Any thread. */
    public void wake() {
        final Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * A ticket for {@link #isFlushed(long)}: covers everything appended before this call. Wakes
     * the master. Any thread.
     *
     * @return the ticket
     */
    public long requestFlush() {
        final long ticket = flushRequested.incrementAndGet();
        wake();
        return ticket;
    }

    /**
     * Whether the master has completed a pass begun after {@code ticket} was taken: it drained what
     * was published (in total order, up to the first ticket not yet published) and synced
     * everything written. Any thread.
     *
     * @param ticket from {@link #requestFlush()}
     * @return true once such a pass completed
     */
    public boolean isFlushed(long ticket) {
        return flushCompleted >= ticket;
    }

    /**
     * Every sequence below this is durable. Any thread.
     *
     * @return the journal-wide durable watermark
     */
    public long durableSequence() {
        return durableSequence;
    }

    /**
     * nanoTime of the oldest unsynced write, 0 when everything written is synced. Any thread.
     *
     * @return a {@link System#nanoTime()} value, or 0
     */
    public long unsyncedSinceNanos() {
        return unsyncedSinceNanos;
    }

    /**
     * How long the last sync took. Any thread.
     *
     * @return nanoseconds; 0 before the first sync
     */
    public long lastSyncNanos() {
        return lastSyncNanos;
    }

    /**
     * Every sequence below this has been written to a segment (visible to readers). Any thread.
     *
     * @return the written watermark
     */
    public long writtenSequence() {
        return writtenSequence;
    }

    /**
     * The segment log this master writes. Other threads may call only the log's methods
     * documented for any thread.
     *
     * @return the segment log
     */
    public SegmentLog log() {
        return log;
    }

    /**
     * Waits until {@code condition} holds, the journal fails, or the timeout passes. Asks the
     * master to sync at the end of its current pass. Any thread but the master.
     *
     * @param condition    what to wait for; evaluated on this thread and on the master
     * @param timeoutNanos the longest to wait
     * @return true if the condition holds
     * @throws io.mappedjournal.JournalFailedException if the journal failed first
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public boolean await(java.util.function.BooleanSupplier condition, long timeoutNanos) throws InterruptedException {
        return waits.await(condition, timeoutNanos);
    }

    /**
     * A future completed (on another thread) once {@code condition} holds, or exceptionally if the journal fails.
     * Asks the master to sync at the end of its current pass. Any thread.
     *
     * @param condition what to wait for; evaluated on this thread and on the master
     * @return the future; already complete if the condition holds or the journal failed
     */
    public CompletableFuture<Void> future(java.util.function.BooleanSupplier condition) {
        return waits.future(condition);
    }

    /**
     * Stops the duty cycle after a final drain and clean close; returns when done. The closing
     * thread, after {@link JournalState#beginClose()}.
     *
     * @throws InterruptedException if the thread is interrupted while waiting for the master to end
     */
    public void stopAndJoin() throws InterruptedException {
        stopRequested = true;
        wake();
        final Thread t = thread;
        if (t != null) {
            t.join();
        }
    }
}
