package io.mappedjournal.segment;

import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.manifest.Manifest;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The steps of a roll (docs/FORMAT.md), in the order {@link SegmentLog} runs them: {@link #seal}
 * writes the seal marker after the last frame and syncs the old segment inline when little is
 * unsynced; {@link #activateNext} takes the preallocated segment, writes and syncs its header,
 * renames it and fsyncs the directory; {@link #startSealSync} then syncs a large remainder of the
 * old segment on the {@link Sealer} thread, and {@link #finishSeal} joins that sync. The manifest
 * naming the old segment sealed and the new one active is written once the old segment's sync
 * succeeded ({@link ManifestCheckpoints}). A reader that meets the seal marker finds the next
 * segment by name once it exists.
 *
 * <p>Invariants it owns: at most one seal is in flight (the log finishes it before the next
 * roll's {@link #seal}); a sealed segment is named sealed in the
 * manifest, and counts as durable, only after its final sync and identity check succeeded (an
 * inline seal returns only then; a background one is handed out by {@link #finishSeal} only
 * then, its failure thrown, never retried); the old segment is unmapped by its seal: inline
 * once its sync and identity check succeeded, or by the sealer task whatever happens ({@link FileSyncer#syncAndClose}).
 *
 * <p>Threads: the master calls every method except the metrics getters, which any thread calls
 * (volatile fields, single writer: the master). The seal task runs on the sealer thread and
 * shares nothing mutable with the master; {@link Sealer#join} orders its effects before the
 * seal's finish.
 */
final class SegmentRoller {
    /** Unsynced bytes up to which a roll syncs the old segment inline on the master. */
    static final long INLINE_SEAL_SYNC_BYTES = 4L << 20;

    private final long segmentLength;
    private final FileSyncer syncer;
    private final SegmentPreallocator preallocator;
    private final Sealer sealer;
    /** A sealed segment whose final sync runs on the sealer thread, or null. Master only. */
    private PendingSeal pendingSeal;
    /** Rolls so far. Master writes (volatile: metrics read it from any thread). */
    private volatile long rolls;
    /** Nanoseconds the master waited at rolls for the preallocator. Master writes (volatile), anyone reads. */
    private volatile long rollWaitNanos;
    /**
     * Nanoseconds the master waited at rolls for the previous segment's background seal sync
     * (it rolled faster than the disk writes segments back). Master writes (volatile), anyone reads.
     */
    private volatile long sealWaitNanos;

    /**
     * @param segmentLength bytes per new segment
     * @param syncer        makes written ranges durable
     * @param preallocator  supplies the next segment; closed by {@link #close()}
     * @param sealer        runs large seal syncs
     */
    SegmentRoller(long segmentLength, FileSyncer syncer, SegmentPreallocator preallocator, Sealer sealer) {
        this.segmentLength = segmentLength;
        this.syncer = syncer;
        this.preallocator = preallocator;
        this.sealer = sealer;
    }

    /**
     * A segment being sealed: what the manifest will say of it, and the range its final sync covers.
     *
     * @param segment             the old segment
     * @param entry               its sealed manifest entry
     * @param from                start of its final sync (its synced end)
     * @param to                  end of its final sync (past the seal marker)
     * @param oldestUnsyncedNanos nanoTime of the oldest record the final sync makes durable
     * @param inline              true if {@link #seal} already synced and closed it
     */
    record Seal(Segment segment, Manifest.Entry entry, long from, long to, long oldestUnsyncedNanos, boolean inline) {
    }

    /**
     * Roll step 1: writes the seal marker at {@code sealOffset}; when at most
     * {@link #INLINE_SEAL_SYNC_BYTES} are unsynced, syncs them here (then checks the file's
     * identity and unmaps it). Master thread only, with no sync of {@code old} in flight.
     *
     * @param old                 the active segment
     * @param syncedOffset        its synced end
     * @param sealOffset          its written end (where the marker goes)
     * @param nextSequence        one past its last record
     * @param oldestUnsyncedNanos nanoTime of its oldest unsynced record (now, if none)
     * @return the seal
     * @throws IOException if the inline sync failed: the journal must fail
     */
    Seal seal(Segment old, long syncedOffset, long sealOffset, long nextSequence, long oldestUnsyncedNanos)
            throws IOException {
        try {
            if (sealOffset + 4 <= old.length()) {
                // Ordered (release) store: a reader that reads the marker sees the frames before it.
                old.store().writeOrderedInt(sealOffset, FrameDescriptor.SEAL_MARKER);
            }
        } catch (InternalError e) {
            throw old.accessFault(sealOffset, e);
        }
        final long from = syncedOffset;
        final long to = Math.min(old.length(), sealOffset + FrameDescriptor.ALIGNMENT);
        final Manifest.Entry sealedEntry = new Manifest.Entry(old.firstSequence(), nextSequence,
                old.header().segmentIndex, sealOffset, true);
        final boolean inline = to - from <= INLINE_SEAL_SYNC_BYTES;
        if (inline) {
            syncer.sync(old, from, to);
            old.checkIdentity();
            old.close();
        }
        return new Seal(old, sealedEntry, from, to, oldestUnsyncedNanos, inline);
    }

    /**
     * Roll step 2: takes the preallocated segment and activates it as the successor of {@code old}
     * (header written and synced, renamed, directory fsynced; discarded if that fails). Its
     * header's creation time is now. Master thread only.
     *
     * @param old          the segment being sealed
     * @param firstSequence the new segment's first sequence
     * @return the new active segment
     * @throws IOException if the activation failed
     */
    Segment activateNext(Segment old, long firstSequence) throws IOException {
        final long waitStart = System.nanoTime();
        final Segment next = preallocator.take();
        rollWaitNanos += System.nanoTime() - waitStart; // single writer: the master
        final long now = System.currentTimeMillis();
        final long index = old.header().segmentIndex + 1;
        try {
            next.activate(new SegmentHeader(index, firstSequence, segmentLength, now), syncer);
        } catch (IOException e) {
            next.discard();
            throw e;
        }
        return next;
    }

    /**
     * Roll step 3: a seal not synced inline gets its final sync on the sealer thread (which
     * unmaps the segment whatever happens). Submitted only after the new segment's activation:
     * its header sync and the directory sync would otherwise queue behind this write-back in the
     * file system's journal (they took 18 ms a roll on the master, up to 62 ms, while a seal
     * ran). Master thread only.
     *
     * @param seal what {@link #seal} returned
     */
    void startSealSync(Seal seal) {
        if (!seal.inline()) {
            final Segment old = seal.segment();
            final long from = seal.from();
            final long to = seal.to();
            final CompletableFuture<Void> done = sealer.submit(() -> {
                syncer.syncAndClose(old, from, to); // closes old whatever happens
                old.checkIdentity();
            });
            pendingSeal = new PendingSeal(done, seal.entry(), seal.oldestUnsyncedNanos());
        }
    }

    /** Counts a roll, once the log switched to the new segment. Master thread only. */
    void rolled() {
        rolls++; // volatile, single writer: the master
    }

    /**
     * True while a seal's final sync runs on the sealer thread (or ended and was not finished).
     * Master thread only.
     *
     * @return whether a seal is in flight
     */
    boolean sealInFlight() {
        return pendingSeal != null;
    }

    /**
     * True when a seal is in flight and its sync has ended (happens-after the task). Master thread only.
     *
     * @return whether {@link #finishSeal()} would not wait
     */
    boolean sealDone() {
        return pendingSeal != null && pendingSeal.done.isDone();
    }

    /**
     * nanoTime of the oldest record the seal in flight makes durable. Master thread only, while
     * {@link #sealInFlight()}.
     *
     * @return a {@link System#nanoTime()} value
     */
    long sealOldestUnsyncedNanos() {
        return pendingSeal.oldestUnsyncedNanos;
    }

    /**
     * Waits for the seal in flight. Master thread only, while {@link #sealInFlight()}.
     *
     * @return the sealed segment's manifest entry, now durable
     * @throws IOException if its sync failed: the journal must fail (never retried)
     */
    Manifest.Entry finishSeal() throws IOException {
        final PendingSeal seal = pendingSeal;
        Sealer.join(seal.done, "sealing segment failed: "); // happens-after the seal's sync on the sealer thread
        pendingSeal = null;
        return seal.entry;
    }

    /**
     * Adds to the time the master waited at rolls for the previous seal. Master thread only.
     *
     * @param nanos the wait
     */
    void sealWaited(long nanos) {
        sealWaitNanos += nanos; // single writer: the master
    }

    /** @return rolls so far; any thread */
    long rolls() {
        return rolls;
    }

    /** @return nanoseconds waited at rolls for the preallocator; any thread */
    long rollWaitNanos() {
        return rollWaitNanos;
    }

    /** @return nanoseconds waited at rolls for the previous seal's sync; any thread */
    long sealWaitNanos() {
        return sealWaitNanos;
    }

    /** Stops preallocating (closes the preallocator). The closing thread. */
    void close() {
        preallocator.close();
    }

    /** A segment being synced on the sealer thread. */
    private static final class PendingSeal {
        final CompletableFuture<Void> done;
        final Manifest.Entry entry;
        /** nanoTime of the oldest record the seal's sync covers. */
        final long oldestUnsyncedNanos;

        PendingSeal(CompletableFuture<Void> done, Manifest.Entry entry, long oldestUnsyncedNanos) {
            this.done = done;
            this.entry = entry;
            this.oldestUnsyncedNanos = oldestUnsyncedNanos;
        }
    }
}
