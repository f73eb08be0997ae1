package io.mappedjournal.segment;

import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.FrameEncoder;
import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;
import io.mappedjournal.policy.RollPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The master's side of the segments: frames records into the active segment, syncs, rolls and
 * keeps the manifest in step. Master thread only (no synchronisation inside).
 *
 * <p>A roll is one documented sequence (docs/FORMAT.md): write the seal marker after the last
 * frame; sync the old segment (inline, or on the sealer thread when much is unsynced); take the
 * preallocated segment, write and sync its header, rename it to its final name and fsync the
 * directory; then, once the old segment's sync succeeded, write the manifest naming both. A
 * reader that meets the seal marker finds the next segment by name once it exists.
 *
 * <p>Retention ({@link #deleteBefore}) is the one operation called from another thread: the
 * manifest, the sealed list and the low-water mark are guarded by this object's monitor, which
 * the master takes only when it changes the sealed list or writes the manifest (roll,
 * checkpoint, close), never per record.
 *
 * <p>Before anything is acknowledged after a sync, at every roll and every MiB written, the
 * active segment's file is checked to be the one mapped at its full length
 * ({@link Segment#checkIdentity()}): a file deleted, truncated or replaced underneath fails the
 * journal with an error naming it.
 */
public final class SegmentLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);

    private final Path dir;
    private final long segmentLength;
    private final FileSyncer syncer;
    private final SegmentPreallocator preallocator;
    private final RollPolicy rollPolicy;
    private final ManifestStore manifestStore;
    private final long checkpointBytes;
    /** Unsynced bytes up to which a roll syncs the old segment inline on the master. */
    private static final long INLINE_SEAL_SYNC_BYTES = 4L << 20;

    private final FrameEncoder encoder = new FrameEncoder();
    /** Guarded by {@code this}. */
    private final List<Manifest.Entry> sealed;
    /** Guarded by {@code this}. */
    private long lowWaterSequence;
    /** The active segment's entry in the last manifest written; guarded by {@code this}. */
    private Manifest.Entry lastActiveEntry;
    /** Guarded by {@code this}. */
    private boolean closed;
    private static final long IDENTITY_CHECK_BYTES = 1 << 20;
    private long nextIdentityCheck;

    /** Told when a roll seals the active segment, and when that seal's sync succeeded. Master only. */
    private SealListener sealListener = SealListener.NONE;

    /**
     * What a roll's seal made durable, for the master to publish: a roll happens inside the copy of
     * a record (it does not fit), so only the master knows how far each staging ring had been
     * copied into the sealed segment. Both calls come on the master thread; at most one seal is in
     * flight, so {@link #sealed()} always refers to the last {@link #beforeSeal()}.
     */
    public interface SealListener {
        /** Does nothing. */
        SealListener NONE = new SealListener() {
            @Override
            public void beforeSeal() {
            }

            @Override
            public void sealed() {
            }
        };

        /** A roll is about to seal the active segment: everything written so far is in it. */
        void beforeSeal();

        /**
         * The seal announced by the last {@link #beforeSeal()} is durable (its sync succeeded and the
         * manifest names the segment sealed); {@link #durableSequence()} covers it.
         */
        void sealed();
    }

    private Segment active;
    /** Native address of the active segment's offset 0 (valid while it is mapped). */
    private long activeCreatedMillis;
    private long writeOffset;
    private long nextSequence;
    private long syncedOffset;
    /** One past the last sequence synced in the active segment (its manifest checkpoint). */
    private long activeSyncedSequence;
    /** Journal-wide: every sequence below this is durable. */
    private long durableSequence;
    /** A policy sync of the active segment running on the sealer thread, or null. Master only. */
    private PendingSync pendingSync;
    /** nanoTime of the first write at or past the pending sync's end (see {@link #append}). */
    private long oldestUnsyncedAfterPendingNanos;
    /** A background sync finished (by {@link #pollSync} or inside a blocking call) and was not yet reported. */
    private boolean syncFinishedUnreported;
    /** nanoTime at which the last finished background sync started (reported by {@link #pollSync}). */
    private long lastFinishedSyncStartNanos;
    /** A sealed segment whose final sync runs on the sealer thread, or null. */
    private PendingSeal pendingSeal;
    private final ExecutorService sealer;
    private long checkpointOffset;
    private long oldestUnsyncedNanos;
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
     * Takes over an active segment at open; everything before {@code writeOffset} counts as durable.
     *
     * @param dir              the journal directory
     * @param segmentLength    bytes per new segment
     * @param syncer           makes written ranges durable
     * @param preallocator     supplies the next segment at a roll; closed with this log
     * @param rollPolicy       when to roll by time
     * @param manifestStore    where the manifest is written
     * @param checkpointBytes  synced bytes between manifest checkpoints
     * @param sealed           the sealed segments' entries, oldest first
     * @param lowWaterSequence the retention low-water mark
     * @param active           the active segment, already activated
     * @param writeOffset      offset of the next frame in {@code active}
     * @param nextSequence     sequence of the next frame
     */
    public SegmentLog(Path dir, long segmentLength, FileSyncer syncer, SegmentPreallocator preallocator,
                      RollPolicy rollPolicy, ManifestStore manifestStore, long checkpointBytes,
                      List<Manifest.Entry> sealed, long lowWaterSequence,
                      Segment active, long writeOffset, long nextSequence) {
        this.dir = dir;
        this.segmentLength = segmentLength;
        this.syncer = syncer;
        this.preallocator = preallocator;
        this.rollPolicy = rollPolicy;
        this.manifestStore = manifestStore;
        this.checkpointBytes = checkpointBytes;
        this.sealed = new ArrayList<>(sealed);
        this.lowWaterSequence = lowWaterSequence;
        this.active = active;
        encoder.attach(active.store());
        this.activeCreatedMillis = active.header().createdMillis;
        this.writeOffset = writeOffset;
        this.nextSequence = nextSequence;
        this.syncedOffset = writeOffset;
        this.activeSyncedSequence = nextSequence;
        this.durableSequence = nextSequence;
        // One thread at most, tasks in submission order (a seal, then the syncs after it); the
        // thread ends after a second without work, so an idle journal holds none.
        this.sealer = new java.util.concurrent.ThreadPoolExecutor(0, 1, 1, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    final Thread t = new Thread(r, "mapped-journal-sealer:" + dir.getFileName());
                    t.setDaemon(true);
                    return t;
                });
        this.checkpointOffset = writeOffset;
    }

    /**
     * Sets who is told about seals (the master, before it starts). Master thread only.
     *
     * @param listener the listener
     */
    public void sealListener(SealListener listener) {
        this.sealListener = java.util.Objects.requireNonNull(listener, "listener");
    }

    /**
     * Sequence the next frame gets. Master thread only.
     *
     * @return the next sequence
     */
    public long nextSequence() {
        return nextSequence;
    }

    /**
     * Every sequence below this is durable (synced, or already on disk at open). Master thread only.
     *
     * @return the durable watermark
     */
    public long durableSequence() {
        return durableSequence;
    }

    /**
     * True when everything written is durable (nothing unsynced, no seal in flight). Master thread only.
     *
     * @return whether nothing remains to sync
     */
    public boolean fullySynced() {
        return writeOffset == syncedOffset && pendingSeal == null;
    }

    /**
     * Bytes written to the active segment since its last sync. Master thread only.
     *
     * @return the unsynced bytes
     */
    public long unsyncedBytes() {
        return writeOffset - syncedOffset;
    }

    /**
     * nanoTime of the first write to the active segment since its last sync; meaningful only
     * while {@link #unsyncedBytes()} is non-zero. Master thread only.
     *
     * @return a {@link System#nanoTime()} value
     */
    public long oldestUnsyncedNanos() {
        // A seal in flight holds the oldest unsynced records: the sealed segment's.
        final PendingSeal seal = pendingSeal;
        return seal != null ? seal.oldestUnsyncedNanos : oldestUnsyncedNanos;
    }

    /**
     * Rolls so far. Any thread.
     *
     * @return the roll count
     */
    public long rolls() {
        return rolls;
    }

    /**
     * Nanoseconds the master spent waiting at rolls for the next preallocated segment: non-zero
     * when it rolls faster than the preallocator can create and prefault segments. Any thread.
     *
     * @return the total wait in nanoseconds
     */
    public long rollWaitNanos() {
        return rollWaitNanos;
    }

    /**
     * Nanoseconds the master spent waiting at rolls for the previous segment's background seal
     * sync: non-zero when it fills segments faster than the disk writes them back. Any thread.
     *
     * @return the total wait in nanoseconds
     */
    public long sealWaitNanos() {
        return sealWaitNanos;
    }

    /**
     * The segment being written. Master thread only.
     *
     * @return the active segment
     */
    public Segment activeSegment() {
        return active;
    }

    /**
     * Frames one record into the active segment, rolling first if it does not fit. Master
     * thread only.
     *
     * @param payloadAddress native address of the payload (a record in a staging ring), read once
     * @param payloadLength  payload bytes
     * @throws SegmentChangedException if the active segment's file was changed underneath
     * @throws IOException if a roll fails
     */
    public void append(long payloadAddress, int payloadLength) throws IOException {
        final long frameLength = FrameDescriptor.frameLength(payloadLength);
        // Always leave room for the seal marker, so every sealed segment ends with one (a
        // segment filled to its last byte would be sealed only implicitly).
        if (writeOffset + frameLength + FrameDescriptor.ALIGNMENT > active.length()) {
            roll();
        }
        if (writeOffset == syncedOffset) {
            oldestUnsyncedNanos = System.nanoTime();
        } else if (pendingSync != null && writeOffset == pendingSync.to) {
            oldestUnsyncedAfterPendingNanos = System.nanoTime(); // the oldest write the pending sync leaves out
        }
        if (writeOffset >= nextIdentityCheck) {
            // Every MiB written (and at every sync): a file truncated underneath is reported by
            // name before the writes fault, in most cases.
            active.checkIdentity();
            nextIdentityCheck = writeOffset + IDENTITY_CHECK_BYTES;
        }
        try {
            writeOffset += encoder.encode(writeOffset, payloadAddress, payloadLength, nextSequence);
        } catch (InternalError e) {
            // HotSpot's report of a SIGBUS in an Unsafe access: the file shrank under the mapping.
            throw active.accessFault(writeOffset, e);
        }
        nextSequence++;
    }

    /**
     * The error to fail the journal with for {@code t}: an {@link InternalError} (HotSpot's
     * report of a SIGBUS in an Unsafe access, delivered at some later point of the master's
     * code) becomes a {@link SegmentChangedException} naming the active segment and what
     * happened to its file; anything else is returned as is. Master thread only.
     *
     * @param t the error that stopped the master
     * @return the error to fail the journal with
     */
    public Throwable explainFailure(Throwable t) {
        if (t instanceof InternalError && !(t.getCause() instanceof SegmentChangedException)) {
            try {
                return active.accessFault(writeOffset, t);
            } catch (RuntimeException e) {
                t.addSuppressed(e);
            }
        }
        return t;
    }

    /**
     * Rolls a non-empty segment when the roll policy says so. Master thread only.
     *
     * @param nowMillis the current time, epoch milliseconds
     * @throws IOException if the roll fails
     */
    public void maybeRollByTime(long nowMillis) throws IOException {
        if (writeOffset > SegmentHeaderDescriptor.DATA_OFFSET && rollPolicy.shouldRoll(activeCreatedMillis, nowMillis)) {
            roll();
        }
    }

    /**
     * Makes everything written so far durable, including a sealed segment whose final sync is
     * still running on the sealer thread. On failure the journal must fail: the caller never calls
     * this again (the kernel may have dropped the pages whose write-back failed). Master thread only.
     *
     * @throws SegmentChangedException if the active segment's file was changed underneath
     * @throws IOException if a sync, the pending seal or its manifest write fails
     */
    public void sync() throws IOException {
        finishSync(true);
        if (pendingSeal != null) {
            completeSeal(true);
        }
        if (writeOffset > syncedOffset) {
            syncer.sync(active, syncedOffset, writeOffset);
            syncedOffset = writeOffset;
        }
        // The sync wrote into the mapped inode; it only counts if that inode is still the
        // segment file (a stat, cheap next to the msync).
        active.checkIdentity();
        activeSyncedSequence = nextSequence;
        durableSequence = nextSequence;
    }

    /**
     * Starts a sync of everything written so far on the sealer thread, so the master keeps
     * copying while the disk writes (group commit by policy, not for a waiting caller: those
     * use {@link #sync()}). Nothing counts as durable until {@link #pollSync()} reports it
     * finished. Does nothing when a sync or a seal is already in flight, nothing is unsynced, or
     * the last background sync finished but {@link #pollSync()} has not reported it yet (the
     * caller publishes what that sync covered first, then starts the next). Master thread only.
     *
     * @return true if a sync was started
     */
    public boolean startSync() {
        if (pendingSync != null || pendingSeal != null || writeOffset == syncedOffset || syncFinishedUnreported) {
            return false;
        }
        final Segment segment = active;
        final long from = syncedOffset;
        final long to = writeOffset;
        final long startNanos = System.nanoTime();
        final CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            try {
                syncer.sync(segment, from, to);
                // The sync wrote into the mapped inode; it only counts if that is still the file.
                segment.checkIdentity();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, sealer);
        pendingSync = new PendingSync(done, to, nextSequence, startNanos);
        return true;
    }

    /**
     * Bytes written that no sync covers, not even the one in flight: what the sync policy judges.
     * Master thread only.
     *
     * @return the bytes past the end of the sync in flight (or past the last sync)
     */
    public long unsyncedBytesAfterInFlight() {
        return writeOffset - (pendingSync != null ? pendingSync.to : syncedOffset);
    }

    /**
     * nanoTime of the oldest write that no sync covers, not even the one in flight; meaningful
     * only while {@link #unsyncedBytesAfterInFlight()} is non-zero. Master thread only.
     *
     * @return a {@link System#nanoTime()} value
     */
    public long oldestUnsyncedAfterInFlightNanos() {
        return pendingSync != null ? oldestUnsyncedAfterPendingNanos : oldestUnsyncedNanos;
    }

    /**
     * Waits for the sync in flight, if any (the master's backpressure when the policy wants the
     * next sync before the previous one finished: the loss window stays the policy's interval plus
     * one sync). {@link #pollSync()} then reports it. Master thread only.
     *
     * @throws IOException if that sync failed: the journal must fail (never retried)
     */
    public void awaitSync() throws IOException {
        finishSync(true);
    }

    /**
     * True while a sync started by {@link #startSync()} has not been finished. Master thread only.
     *
     * @return whether a background sync is in flight
     */
    public boolean syncInFlight() {
        return pendingSync != null;
    }

    /**
     * Master, every duty cycle: finishes the background sync if it completed, and reports a
     * finish, once, also when a blocking call ({@link #sync()}, a roll) finished it first.
     *
     * @return the nanoTime at which the reported sync started, or -1 if none finished since the last call
     * @throws IOException if the background sync failed: the journal must fail (never retried)
     */
    public long pollSync() throws IOException {
        if (pendingSync != null && pendingSync.done.isDone()) {
            finishSync(false);
        }
        if (syncFinishedUnreported) {
            syncFinishedUnreported = false;
            return lastFinishedSyncStartNanos;
        }
        return -1;
    }

    /** Joins the pending sync (waiting if {@code wait}, else only if done) and moves the synced end. */
    private void finishSync(boolean wait) throws IOException {
        final PendingSync p = pendingSync;
        if (p == null || (!wait && !p.done.isDone())) {
            return;
        }
        pendingSync = null;
        try {
            p.done.join();
        } catch (java.util.concurrent.CompletionException e) {
            final Throwable cause = e.getCause();
            throw cause instanceof java.io.UncheckedIOException ? ((java.io.UncheckedIOException) cause).getCause()
                    : new IOException("background sync failed: " + cause, cause);
        }
        syncedOffset = p.to;
        activeSyncedSequence = p.nextSequence;
        if (durableSequence < p.nextSequence) {
            durableSequence = p.nextSequence;
        }
        if (writeOffset > syncedOffset) {
            oldestUnsyncedNanos = oldestUnsyncedAfterPendingNanos;
        }
        lastFinishedSyncStartNanos = p.startNanos;
        syncFinishedUnreported = true;
    }

    /** A sync of the active segment running on the sealer thread. */
    private static final class PendingSync {
        final CompletableFuture<Void> done;
        /** The synced range's end offset. */
        final long to;
        /** Every sequence below this is in the range. */
        final long nextSequence;
        final long startNanos;

        PendingSync(CompletableFuture<Void> done, long to, long nextSequence, long startNanos) {
            this.done = done;
            this.to = to;
            this.nextSequence = nextSequence;
            this.startNanos = startNanos;
        }
    }

    /**
     * Master, every duty cycle: finishes a background seal that completed (manifest update).
     *
     * @return true if a seal was finished by this call
     * @throws IOException if the background seal or the manifest write failed
     */
    public boolean pollSeal() throws IOException {
        if (pendingSeal != null && pendingSeal.done.isDone()) {
            completeSeal(false);
            return true;
        }
        return false;
    }

    /**
     * Writes a manifest checkpoint when enough has been synced since the last one. Master thread only.
     *
     * @return true if a checkpoint was written
     * @throws IOException if the manifest write failed
     */
    public boolean maybeCheckpoint() throws IOException {
        if (pendingSeal == null && syncedOffset - checkpointOffset >= checkpointBytes) {
            writeManifest(false);
            return true;
        }
        return false;
    }

    /**
     * Rolls to the next segment. The old segment's final sync runs inline when little is
     * unsynced (the usual case under ALWAYS and BATCH); when much is (NONE), it runs on the sealer
     * thread so the master keeps copying, and the manifest that records the seal is written once
     * that sync succeeded. Until then nothing after the old segment's last synced byte counts as
     * durable: {@link #sync()} first waits for the seal.
     */
    private void roll() throws IOException {
        finishSync(true); // the old segment's sync in flight ends before the roll seals and unmaps it
        if (pendingSeal != null) {
            final long sealWaitStart = System.nanoTime();
            completeSeal(true); // at most one seal in flight
            sealWaitNanos += System.nanoTime() - sealWaitStart; // single writer: the master
        }
        sealListener.beforeSeal(); // after the previous seal was published (completeSeal above)
        final Segment old = active;
        final long sealOffset = writeOffset;
        // The oldest record this seal makes durable (if anything was unsynced): a seal in flight
        // keeps the policy's and health's clock on it until its sync succeeded.
        final long sealOldestUnsyncedNanos = writeOffset > syncedOffset ? oldestUnsyncedNanos : System.nanoTime();
        try {
            if (sealOffset + 4 <= old.length()) {
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
            durableSequence = nextSequence;
        }
        final long waitStart = System.nanoTime();
        final Segment next = preallocator.take();
        rollWaitNanos += System.nanoTime() - waitStart; // single writer: the master
        final long now = System.currentTimeMillis();
        final long index = old.header().segmentIndex + 1;
        try {
            next.activate(new SegmentHeader(index, nextSequence, segmentLength, now), syncer);
        } catch (IOException e) {
            next.discard();
            throw e;
        }
        if (!inline) {
            // Submitted only now, after the new segment's activation: its header sync and the
            // directory sync would otherwise queue behind this write-back in the file system's
            // journal (they took 18 ms a roll on the master, up to 62 ms, while a seal ran).
            final CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
                try {
                    syncer.syncAndClose(old, from, to); // closes old whatever happens
                    old.checkIdentity();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, sealer);
            pendingSeal = new PendingSeal(done, sealedEntry, sealOldestUnsyncedNanos);
        }
        synchronized (this) {
            if (inline) {
                sealed.add(sealedEntry);
            }
            active = next;
            encoder.attach(next.store());
            activeCreatedMillis = now;
            writeOffset = SegmentHeaderDescriptor.DATA_OFFSET;
            syncedOffset = writeOffset;
            activeSyncedSequence = nextSequence;
            checkpointOffset = writeOffset;
            nextIdentityCheck = 0;
            rolls++;
            if (pendingSeal == null) {
                writeManifest(false);
            }
        }
        if (inline) {
            // The sealed segment is synced and the manifest names it sealed: publish it now. The
            // new segment starts with nothing unsynced, so the policy's clock starts at its first
            // write: that IS the oldest unsynced record (issue 14, item 3: the clock restarting here
            // was right; durability not being published was the defect).
            sealListener.sealed();
        }
        LOG.info("rolled to {}: sealed {} at offset {} (sequences [{}, {})){}", active.path().getFileName(),
                old.path().getFileName(), sealOffset, old.firstSequence(), nextSequence,
                pendingSeal == null ? "" : ", final sync in the background");
    }

    private void completeSeal(boolean wait) throws IOException {
        final PendingSeal seal = pendingSeal;
        try {
            seal.done.join();
        } catch (java.util.concurrent.CompletionException e) {
            final Throwable cause = e.getCause();
            throw cause instanceof java.io.UncheckedIOException ? ((java.io.UncheckedIOException) cause).getCause()
                    : new IOException("sealing segment failed: " + cause, cause);
        }
        pendingSeal = null;
        synchronized (this) {
            sealed.add(seal.entry);
            if (durableSequence < seal.entry.nextSequence) {
                durableSequence = seal.entry.nextSequence;
            }
            writeManifest(false);
        }
        sealListener.sealed();
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

    /**
     * Writes the manifest: sealed segments, and the active one up to what is synced. Master thread
     * (or the opening thread, before the master starts).
     *
     * @param clean true at a clean close: the active entry's valid length is then the exact end
     * @throws IOException if the manifest write failed
     */
    public synchronized void writeManifest(boolean clean) throws IOException {
        final List<Manifest.Entry> entries = new ArrayList<>(sealed);
        final Manifest.Entry activeEntry = new Manifest.Entry(active.firstSequence(), activeSyncedSequence,
                active.header().segmentIndex, syncedOffset, false);
        entries.add(activeEntry);
        manifestStore.write(new Manifest(0, lowWaterSequence, clean, entries));
        lastActiveEntry = activeEntry;
        checkpointOffset = syncedOffset;
    }

    /**
     * Retention: removes every sealed segment all of whose records are below {@code sequence}
     * (never the active segment, nor one whose final sync is still in flight). The manifest
     * without them, with the new low-water mark, is written and synced first; the files are
     * deleted after, then the directory is fsynced. A crash in between leaves files below the
     * low-water mark, which recovery deletes. Any thread.
     *
     * @param sequence records below this may be removed
     * @return the deleted segments' entries, oldest first (empty if none qualified)
     * @throws java.io.SyncFailedException if the manifest write or the directory fsync failed: the
     *                     caller must fail the journal (a failed sync is never retried)
     * @throws IOException if the log is closed or a file cannot be deleted
     */
    public List<Manifest.Entry> deleteBefore(long sequence) throws IOException {
        final List<Manifest.Entry> removed;
        synchronized (this) {
            if (closed) {
                throw new IOException("segment log is closed: dir=" + dir);
            }
            int k = 0;
            while (k < sealed.size() && sealed.get(k).nextSequence <= sequence) {
                k++;
            }
            if (k == 0) {
                return List.of();
            }
            removed = new ArrayList<>(sealed.subList(0, k));
            final List<Manifest.Entry> kept = new ArrayList<>(sealed.subList(k, sealed.size()));
            final long newLowWater = Math.max(lowWaterSequence,
                    kept.isEmpty() ? lastActiveEntry.firstSequence : kept.get(0).firstSequence);
            final List<Manifest.Entry> entries = new ArrayList<>(kept);
            entries.add(lastActiveEntry);
            try {
                manifestStore.write(new Manifest(0, newLowWater, false, entries)); // the commit point
            } catch (IOException e) {
                throw syncFailed("retention's manifest write failed: dir=" + dir, e);
            }
            sealed.subList(0, k).clear();
            lowWaterSequence = newLowWater;
        }
        for (Manifest.Entry e : removed) {
            java.nio.file.Files.deleteIfExists(SegmentFiles.segmentPath(dir, e.firstSequence));
        }
        try {
            SegmentFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            throw syncFailed("retention's directory fsync failed: dir=" + dir, e);
        }
        LOG.info("retention: deleted {} segment(s) below sequence {} in {}", removed.size(), sequence, dir);
        return removed;
    }

    /** A failed write or sync of retention's commit: the journal must fail ({@link java.io.SyncFailedException}). */
    private static java.io.SyncFailedException syncFailed(String what, IOException cause) {
        final java.io.SyncFailedException e = new java.io.SyncFailedException(what + ": " + cause.getMessage());
        e.initCause(cause);
        return e;
    }

    /**
     * The retention low-water mark: the first sequence of the oldest retained segment. Any thread.
     *
     * @return the low-water sequence
     */
    public synchronized long lowWaterSequence() {
        return lowWaterSequence;
    }

    /**
     * Clean shutdown: sync, record the exact end in the manifest, unmap. Master thread only.
     *
     * @throws IOException if the final sync or manifest write failed; the log is then not closed
     */
    public void closeClean() throws IOException {
        sync();
        synchronized (this) {
            // One critical section: retention (another thread, same monitor) either lands before
            // the clean manifest, which then names what it kept, or finds the log closed. Between
            // the two it would write a manifest marked not clean (issue 14, item 6).
            writeManifest(true);
            closed = true;
        }
        final Runnable hook = afterFinalManifest;
        if (hook != null) {
            hook.run();
        }
        close();
    }

    /** Test seam: runs on the closing thread right after the final (clean) manifest write. */
    private volatile Runnable afterFinalManifest;

    void afterFinalManifestForTest(Runnable hook) {
        afterFinalManifest = hook;
    }

    /** Unmaps and stops preallocating; no sync (used after a failure too). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        sealer.shutdown();
        try {
            sealer.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES); // the seal job unmaps its segment
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        active.close();
        preallocator.close();
    }

    Path dir() {
        return dir;
    }
}
