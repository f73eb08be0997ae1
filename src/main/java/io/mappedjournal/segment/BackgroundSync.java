package io.mappedjournal.segment;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The sync policy's group commit on the {@link Sealer} thread: a sync of the active segment's
 * written range runs in the background while the master keeps copying, and its finish is
 * reported to the master once.
 *
 * <p>Invariants it owns:
 * <ul>
 *   <li>at most one background sync is in flight, and nothing it covers counts as durable before
 *       it finished ({@link #finish} returns it only after its sync and identity check succeeded;
 *       a failure is thrown, never retried nor reported as a finish);</li>
 *   <li>each finish is reported exactly once ({@link #takeReport()}), also when a blocking call
 *       (a full sync, a roll) finished it first;</li>
 *   <li>{@link #start} refuses while a finish is unreported: the master publishes what the
 *       finished sync covered BEFORE it starts the next one (whose snapshot replaces that one's;
 *       BackgroundSyncReportTest, the jcstress BackgroundSyncSuccessionTest).</li>
 * </ul>
 *
 * <p>Threads: every method runs on the master thread; only the sync task runs on the sealer
 * thread. The task shares nothing mutable with the master: its range is fixed at the start, and
 * {@link Sealer#join} (or a true {@code isDone()}) orders the task's effects before the finish.
 * {@link SegmentLog} owns the offsets; this class owns only the sync in flight and its report.
 */
final class BackgroundSync {
    private final FileSyncer syncer;
    private final Sealer sealer;
    /** The sync running on the sealer thread, or null. Master only. */
    private Pending pending;
    /** nanoTime of the first write at or past the pending sync's end (see {@link #noteWrite}). Master only. */
    private long oldestWriteAfterEndNanos;
    /** A sync finished (by a poll or inside a blocking call) and was not yet reported. Master only. */
    private boolean finishedUnreported;
    /** nanoTime at which the last finished sync started (reported by {@link #takeReport()}). Master only. */
    private long lastFinishedStartNanos;

    BackgroundSync(FileSyncer syncer, Sealer sealer) {
        this.syncer = syncer;
        this.sealer = sealer;
    }

    /**
     * Starts syncing {@code [from, to)} of {@code segment} on the sealer thread, unless a sync is
     * in flight or the last one's finish is not reported yet. Master thread only.
     *
     * @param segment      the active segment
     * @param from         its synced end
     * @param to           its written end
     * @param nextSequence every sequence below this is in the range
     * @return true if a sync was started
     */
    boolean start(Segment segment, long from, long to, long nextSequence) {
        if (pending != null || finishedUnreported) {
            return false;
        }
        final long startNanos = System.nanoTime();
        final CompletableFuture<Void> done = sealer.submit(() -> {
            syncer.sync(segment, from, to);
            // The sync wrote into the mapped inode; it only counts if that is still the file.
            segment.checkIdentity();
        });
        pending = new Pending(done, to, nextSequence, startNanos);
        return true;
    }

    /**
     * True while a started sync has not been finished. Master thread only.
     *
     * @return whether a background sync is in flight
     */
    boolean inFlight() {
        return pending != null;
    }

    /**
     * True when a sync is in flight and its task has ended (happens-after the task). Master thread only.
     *
     * @return whether {@link #finish finish(false)} would finish it
     */
    boolean done() {
        return pending != null && pending.done.isDone();
    }

    /**
     * End offset of the sync in flight. Master thread only, while {@link #inFlight()}.
     *
     * @return the end of the range being synced
     */
    long end() {
        return pending.to;
    }

    /**
     * A write at {@code writeOffset} is about to happen: if a sync in flight ends there, it is the
     * oldest write that sync leaves out. Master thread only, per record (one compare).
     *
     * @param writeOffset where the next frame goes
     */
    void noteWrite(long writeOffset) {
        if (pending != null && writeOffset == pending.to) {
            oldestWriteAfterEndNanos = System.nanoTime(); // the oldest write the pending sync leaves out
        }
    }

    /**
     * nanoTime of the first write past the end of the sync in flight (or of the last finished
     * one); meaningful only while something was written past that end. Master thread only.
     *
     * @return a {@link System#nanoTime()} value
     */
    long oldestWriteAfterEndNanos() {
        return oldestWriteAfterEndNanos;
    }

    /**
     * Finishes the sync in flight: waits for it if {@code wait}, else only if it is done. A
     * finished sync is marked unreported. Master thread only.
     *
     * @param wait whether to wait for a sync still running
     * @return the finished sync (what it made durable), or null if none finished
     * @throws IOException if the sync failed: the journal must fail (never retried)
     */
    Pending finish(boolean wait) throws IOException {
        final Pending p = pending;
        if (p == null || (!wait && !p.done.isDone())) {
            return null;
        }
        pending = null;
        Sealer.join(p.done, "background sync failed: "); // happens-after the sync on the sealer thread
        lastFinishedStartNanos = p.startNanos;
        finishedUnreported = true;
        return p;
    }

    /**
     * Reports a finish, once. Master thread only.
     *
     * @return the nanoTime at which the reported sync started, or -1 if none finished since the last call
     */
    long takeReport() {
        if (finishedUnreported) {
            finishedUnreported = false;
            return lastFinishedStartNanos;
        }
        return -1;
    }

    /** A sync of the active segment running on the sealer thread. */
    static final class Pending {
        final CompletableFuture<Void> done;
        /** The synced range's end offset. */
        final long to;
        /** Every sequence below this is in the range. */
        final long nextSequence;
        final long startNanos;

        Pending(CompletableFuture<Void> done, long to, long nextSequence, long startNanos) {
            this.done = done;
            this.to = to;
            this.nextSequence = nextSequence;
            this.startNanos = startNanos;
        }
    }
}
