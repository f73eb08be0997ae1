package io.mappedjournal.segment;

import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.FrameEncoder;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;
import io.mappedjournal.policy.RollPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The master's side of the segments: frames records into the active segment and orchestrates
 * syncing, rolling and the manifest. Master thread only (no synchronisation inside), except
 * retention ({@link #deleteBefore}, any thread) and the roll metrics. It owns the active segment,
 * its written and synced offsets and the durable watermark; each other concern is one class:
 * <ul>
 *   <li>{@link BackgroundSync}: the policy's group commit on the sealer thread, reported once;</li>
 *   <li>{@link SegmentRoller}: the steps of a roll (docs/FORMAT.md), the seal in flight, roll metrics;</li>
 *   <li>{@link Sealer}: the one background thread those two run on;</li>
 *   <li>{@link ManifestCheckpoints}: the manifest's content and every write of it, under the one
 *       monitor the master takes only to change the sealed list or write the manifest (roll,
 *       checkpoint, close), never per record;</li>
 *   <li>{@link Retention}: deleting old segments from any thread, under that monitor.</li>
 * </ul>
 *
 * <p>Before anything is acknowledged after a sync, at every roll and every MiB written, the
 * active segment's file is checked to be the one mapped at its full length
 * ({@link Segment#checkIdentity()}): a file deleted, truncated or replaced underneath fails the
 * journal with an error naming it.
 */
public final class SegmentLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);
    private static final long IDENTITY_CHECK_BYTES = 1 << 20;

    private final Path dir;
    private final RollPolicy rollPolicy;
    private final FileSyncer syncer;
    private final Sealer sealer;
    private final BackgroundSync backgroundSync;
    private final SegmentRoller roller;
    private final ManifestCheckpoints checkpoints;
    private final Retention retention;
    private final FrameEncoder encoder = new FrameEncoder();
    private long nextIdentityCheck;

    /** Told when a roll seals the active segment, and when that seal's sync succeeded. Master only. */
    private SealListener sealListener = SealListener.NONE;

    // The active segment and its positions: master only, plain fields (the opening thread hands
    // the log over before the master thread starts: Thread.start happens-before).
    private Segment active;
    private long activeCreatedMillis;
    private long writeOffset;
    private long nextSequence;
    private long syncedOffset;
    /** One past the last sequence synced in the active segment (its manifest checkpoint). */
    private long activeSyncedSequence;
    /** Journal-wide: every sequence below this is durable. */
    private long durableSequence;
    /** nanoTime of the first write to the active segment since its last sync (see {@link #append}). */
    private long oldestUnsyncedNanos;

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
        this.rollPolicy = rollPolicy;
        this.syncer = syncer;
        this.sealer = new Sealer(dir);
        this.backgroundSync = new BackgroundSync(syncer, sealer);
        this.roller = new SegmentRoller(segmentLength, syncer, preallocator, sealer);
        this.checkpoints = new ManifestCheckpoints(dir, manifestStore, checkpointBytes, sealed, lowWaterSequence,
                writeOffset);
        this.retention = new Retention(dir, checkpoints);
        this.active = active;
        encoder.attach(active.store());
        this.activeCreatedMillis = active.header().createdMillis;
        this.writeOffset = writeOffset;
        this.nextSequence = nextSequence;
        this.syncedOffset = writeOffset;
        this.activeSyncedSequence = nextSequence;
        this.durableSequence = nextSequence;
    }

    /**
     * Sets who is told about seals (the master, before it starts). Master thread only.
     *
     * @param listener the listener
     */
    public void sealListener(SealListener listener) {
        this.sealListener = Objects.requireNonNull(listener, "listener");
    }

    /** {@return the sequence the next frame gets} Master thread only. */
    public long nextSequence() {
        return nextSequence;
    }

    /**
     * {@return the durable watermark} Every sequence below it is durable (synced, or already on
     * disk at open). Master thread only.
     */
    public long durableSequence() {
        return durableSequence;
    }

    /** {@return true when everything written is durable: nothing unsynced, no seal in flight} Master thread only. */
    public boolean fullySynced() {
        return writeOffset == syncedOffset && !roller.sealInFlight();
    }

    /** {@return the bytes written to the active segment since its last sync} Master thread only. */
    public long unsyncedBytes() {
        return writeOffset - syncedOffset;
    }

    /** {@return the nanoTime of the oldest unsynced write} Meaningful while something is. Master thread only. */
    public long oldestUnsyncedNanos() {
        // A seal in flight holds the oldest unsynced records: the sealed segment's.
        return roller.sealInFlight() ? roller.sealOldestUnsyncedNanos() : oldestUnsyncedNanos;
    }

    /** {@return the rolls so far} Any thread. */
    public long rolls() {
        return roller.rolls();
    }

    /** {@return the nanoseconds the master waited at rolls for the preallocator} Any thread. */
    public long rollWaitNanos() {
        return roller.rollWaitNanos();
    }

    /** {@return the nanoseconds the master waited at rolls for the previous seal's sync} Any thread. */
    public long sealWaitNanos() {
        return roller.sealWaitNanos();
    }

    /** {@return the segment being written} Master thread only. */
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
        } else {
            backgroundSync.noteWrite(writeOffset); // the oldest write a sync in flight leaves out, if it ends here
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
        if (roller.sealInFlight()) {
            completeSeal();
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
     * Starts a sync of everything written so far on the sealer thread: the policy's group commit
     * while the master keeps copying (a waiting caller uses {@link #sync()}). Nothing counts as
     * durable until {@link #pollSync()} reports it. Refused while a sync or a seal is in flight,
     * nothing is unsynced, or the last finish is unreported ({@link BackgroundSync}). Master thread only.
     *
     * @return true if a sync was started
     */
    public boolean startSync() {
        if (roller.sealInFlight() || writeOffset == syncedOffset) {
            return false;
        }
        // BackgroundSync refuses while one is in flight or its finish is unreported.
        return backgroundSync.start(active, syncedOffset, writeOffset, nextSequence);
    }

    /**
     * {@return the bytes written that no sync covers, not even the one in flight} What the sync
     * policy judges. Master thread only.
     */
    public long unsyncedBytesAfterInFlight() {
        return writeOffset - (backgroundSync.inFlight() ? backgroundSync.end() : syncedOffset);
    }

    /**
     * {@return the nanoTime of the oldest write that no sync covers, not even the one in flight}
     * Meaningful only while {@link #unsyncedBytesAfterInFlight()} is non-zero. Master thread only.
     */
    public long oldestUnsyncedAfterInFlightNanos() {
        return backgroundSync.inFlight() ? backgroundSync.oldestWriteAfterEndNanos() : oldestUnsyncedNanos;
    }

    /**
     * Waits for the sync in flight, if any (the master's backpressure when the policy wants the
     * next one already: the loss window stays the policy's interval plus one sync);
     * {@link #pollSync()} then reports it. Master thread only.
     *
     * @throws IOException if that sync failed: the journal must fail (never retried)
     */
    public void awaitSync() throws IOException {
        finishSync(true);
    }

    /** {@return true while a sync started by {@link #startSync()} has not been finished} Master thread only. */
    public boolean syncInFlight() {
        return backgroundSync.inFlight();
    }

    /**
     * Master, every duty cycle: finishes the background sync if it completed, and reports a
     * finish, once, also when a blocking call ({@link #sync()}, a roll) finished it first.
     *
     * @return the nanoTime at which the reported sync started, or -1 if none finished since the last call
     * @throws IOException if the background sync failed: the journal must fail (never retried)
     */
    public long pollSync() throws IOException {
        if (backgroundSync.done()) {
            finishSync(false);
        }
        return backgroundSync.takeReport();
    }

    /** Joins the pending sync (waiting if {@code wait}, else only if done) and moves the synced end. */
    private void finishSync(boolean wait) throws IOException {
        final BackgroundSync.Pending p = backgroundSync.finish(wait); // happens-after the sync's task
        if (p == null) {
            return;
        }
        syncedOffset = p.to;
        activeSyncedSequence = p.nextSequence;
        if (durableSequence < p.nextSequence) {
            durableSequence = p.nextSequence;
        }
        if (writeOffset > syncedOffset) {
            oldestUnsyncedNanos = backgroundSync.oldestWriteAfterEndNanos();
        }
    }

    /**
     * Master, every duty cycle: finishes a background seal that completed (manifest update).
     *
     * @return true if a seal was finished by this call
     * @throws IOException if the background seal or the manifest write failed
     */
    public boolean pollSeal() throws IOException {
        if (roller.sealDone()) {
            completeSeal();
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
        if (!roller.sealInFlight() && checkpoints.due(syncedOffset)) {
            writeManifest(false);
            return true;
        }
        return false;
    }

    /**
     * Rolls to the next segment, in the order of docs/FORMAT.md ({@link SegmentRoller} does each
     * step). The old segment's final sync runs inline when little is unsynced (the usual case
     * under ALWAYS and BATCH); when much is (NONE), it runs on the sealer thread so the master
     * keeps copying, and the manifest that records the seal is written once that sync succeeded.
     * Until then nothing after the old segment's last synced byte counts as durable:
     * {@link #sync()} first waits for the seal.
     */
    private void roll() throws IOException {
        finishSync(true); // the old segment's sync in flight ends before the roll seals and unmaps it
        if (roller.sealInFlight()) {
            final long sealWaitStart = System.nanoTime();
            completeSeal(); // at most one seal in flight
            roller.sealWaited(System.nanoTime() - sealWaitStart);
        }
        sealListener.beforeSeal(); // after the previous seal was published (completeSeal above)
        final Segment old = active;
        final long sealOffset = writeOffset;
        // The oldest record this seal makes durable (if anything was unsynced): a seal in flight
        // keeps the policy's and health's clock on it until its sync succeeded.
        final long sealOldestUnsyncedNanos = writeOffset > syncedOffset ? oldestUnsyncedNanos : System.nanoTime();
        // Seal marker, then the old segment's sync when small (it is then durable and unmapped).
        final SegmentRoller.Seal seal = roller.seal(old, syncedOffset, sealOffset, nextSequence,
                sealOldestUnsyncedNanos);
        if (seal.inline()) {
            durableSequence = nextSequence;
        }
        final Segment next = roller.activateNext(old, nextSequence); // header synced, renamed, directory fsynced
        roller.startSealSync(seal); // a large seal's sync, on the sealer thread
        active = next;
        encoder.attach(next.store());
        activeCreatedMillis = next.header().createdMillis;
        writeOffset = SegmentHeaderDescriptor.DATA_OFFSET;
        syncedOffset = writeOffset;
        activeSyncedSequence = nextSequence;
        nextIdentityCheck = 0;
        roller.rolled();
        if (seal.inline()) {
            // The manifest names the sealed segment sealed (under the checkpoints' monitor).
            checkpoints.addSealed(seal.entry(), active, activeSyncedSequence, syncedOffset);
            // The sealed segment is synced and the manifest names it sealed: publish it now. The
            // new segment starts with nothing unsynced, so the policy's clock starts at its first
            // write: that IS the oldest unsynced record (issue 14, item 3: the clock restarting here
            // was right; durability not being published was the defect).
            sealListener.sealed();
        } else {
            checkpoints.restartAt(writeOffset);
        }
        LOG.info("rolled to {}: sealed {} at offset {} (sequences [{}, {})){}", active.path().getFileName(),
                old.path().getFileName(), sealOffset, old.firstSequence(), nextSequence,
                seal.inline() ? "" : ", final sync in the background");
    }

    /** Waits for the seal in flight, then records it in the manifest and publishes it. */
    private void completeSeal() throws IOException {
        final Manifest.Entry entry = roller.finishSeal(); // happens-after the seal's sync on the sealer thread
        if (durableSequence < entry.nextSequence) {
            durableSequence = entry.nextSequence;
        }
        checkpoints.addSealed(entry, active, activeSyncedSequence, syncedOffset);
        sealListener.sealed();
    }

    /**
     * Writes the manifest: sealed segments, and the active one up to what is synced
     * ({@link ManifestCheckpoints#write}). Master thread (or the opening thread, before it starts).
     *
     * @param clean true at a clean close: the active entry's valid length is then the exact end
     * @throws IOException if the manifest write failed
     */
    public void writeManifest(boolean clean) throws IOException {
        checkpoints.write(active, activeSyncedSequence, syncedOffset, clean);
    }

    /**
     * Retention ({@link Retention}): removes every sealed segment all of whose records are below
     * {@code sequence} (never the active segment, nor one whose final sync is still in flight);
     * the manifest without them is the commit point, the files go after. Any thread.
     *
     * @param sequence records below this may be removed
     * @return the deleted segments' entries, oldest first (empty if none qualified)
     * @throws java.io.SyncFailedException if the manifest write or the directory fsync failed: the
     *                     caller must fail the journal (a failed sync is never retried)
     * @throws IOException if the log is closed or a file cannot be deleted
     */
    public List<Manifest.Entry> deleteBefore(long sequence) throws IOException {
        return retention.deleteBefore(sequence);
    }

    /** {@return the retention low-water mark: the first sequence of the oldest retained segment} Any thread. */
    public long lowWaterSequence() {
        return checkpoints.lowWaterSequence();
    }

    /**
     * Clean shutdown: sync, record the exact end in the manifest, unmap. Master thread only.
     *
     * @throws IOException if the final sync or manifest write failed; the log is then not closed
     */
    public void closeClean() throws IOException {
        sync();
        // The clean manifest and the closed mark in one critical section (ManifestCheckpoints.writeFinal).
        checkpoints.writeFinal(active, activeSyncedSequence, syncedOffset);
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
        checkpoints.close();
        sealer.close(); // waits for the seal job, which unmaps its segment
        active.close();
        roller.close();
    }

    Path dir() {
        return dir;
    }
}
