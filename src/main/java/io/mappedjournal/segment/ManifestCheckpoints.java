package io.mappedjournal.segment;

import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the manifest says, and every write of it: the sealed segments' entries, the retention
 * low-water mark, the active segment's entry as last written, and whether the log is closed.
 *
 * <p>Invariant it owns: each manifest written names exactly the retained sealed segments plus
 * the active one up to what is synced (never an unsynced byte), and changes to the sealed list
 * land in the same critical section as the manifest that records them. All of it is guarded by
 * this object's monitor, which the master takes only when it changes the sealed list or writes
 * the manifest (roll, seal, checkpoint, close), never per record; retention
 * ({@link #removeSealedBefore}) takes it from any thread.
 *
 * <p>Threads: the master (or the opening thread, before the master starts) writes checkpoints;
 * {@link Retention} calls {@link #removeSealedBefore} and {@link #lowWaterSequence()} from any
 * thread; {@link #close()} runs on the closing thread.
 */
final class ManifestCheckpoints {
    private final Path dir;
    private final ManifestStore store;
    private final long checkpointBytes;
    /** Guarded by {@code this}. */
    private final List<Manifest.Entry> sealed;
    /** Guarded by {@code this}. */
    private long lowWaterSequence;
    /** The active segment's entry in the last manifest written; guarded by {@code this}. */
    private Manifest.Entry lastActiveEntry;
    /** Guarded by {@code this}. */
    private boolean closed;
    /**
     * Synced offset of the active segment at the last manifest write. Written by the master (or
     * the opening thread before it starts), read by the master only: no lock needed to read.
     */
    private long checkpointOffset;

    /**
     * @param dir              the journal directory (names it in errors)
     * @param store            where the manifest is written
     * @param checkpointBytes  synced bytes between checkpoints
     * @param sealed           the sealed segments' entries, oldest first (copied)
     * @param lowWaterSequence the retention low-water mark
     * @param checkpointOffset the active segment's offset the last manifest covers
     */
    ManifestCheckpoints(Path dir, ManifestStore store, long checkpointBytes, List<Manifest.Entry> sealed,
                        long lowWaterSequence, long checkpointOffset) {
        this.dir = dir;
        this.store = store;
        this.checkpointBytes = checkpointBytes;
        this.sealed = new ArrayList<>(sealed);
        this.lowWaterSequence = lowWaterSequence;
        this.checkpointOffset = checkpointOffset;
    }

    /**
     * Writes the manifest: sealed segments, and the active one up to what is synced. Master thread
     * (or the opening thread, before the master starts).
     *
     * @param active         the active segment
     * @param syncedSequence one past the last sequence synced in it
     * @param syncedOffset   its synced end
     * @param clean          true at a clean close: the active entry's valid length is then the exact end
     * @throws IOException if the manifest write failed
     */
    synchronized void write(Segment active, long syncedSequence, long syncedOffset, boolean clean) throws IOException {
        final List<Manifest.Entry> entries = new ArrayList<>(sealed);
        final Manifest.Entry activeEntry = new Manifest.Entry(active.firstSequence(), syncedSequence,
                active.header().segmentIndex, syncedOffset, false);
        entries.add(activeEntry);
        store.write(new Manifest(0, lowWaterSequence, clean, entries));
        lastActiveEntry = activeEntry;
        checkpointOffset = syncedOffset;
    }

    /**
     * A seal's sync succeeded: adds its entry to the sealed list and writes the manifest naming
     * it sealed, in one critical section (retention in between would name the segment twice).
     * Master thread only.
     *
     * @param sealedEntry    the sealed segment's entry
     * @param active         the active segment
     * @param syncedSequence one past the last sequence synced in it
     * @param syncedOffset   its synced end
     * @throws IOException if the manifest write failed
     */
    synchronized void addSealed(Manifest.Entry sealedEntry, Segment active, long syncedSequence, long syncedOffset)
            throws IOException {
        sealed.add(sealedEntry);
        write(active, syncedSequence, syncedOffset, false);
    }

    /**
     * The clean close's manifest and the closed mark, in one critical section: retention (another
     * thread, same monitor) either lands before the clean manifest, which then names what it
     * kept, or finds the log closed. Between the two it would write a manifest marked not clean
     * (issue 14, item 6). Master thread only.
     *
     * @param active         the active segment
     * @param syncedSequence one past its last sequence (all synced)
     * @param syncedOffset   its exact end
     * @throws IOException if the manifest write failed; the log is then not marked closed
     */
    synchronized void writeFinal(Segment active, long syncedSequence, long syncedOffset) throws IOException {
        write(active, syncedSequence, syncedOffset, true);
        closed = true;
    }

    /** Marks the log closed: retention refuses from now on. Any thread. */
    synchronized void close() {
        closed = true;
    }

    /**
     * True when at least the checkpoint interval was synced since the last manifest write. Master thread only.
     *
     * @param syncedOffset the active segment's synced end
     * @return whether a checkpoint is due
     */
    boolean due(long syncedOffset) {
        return syncedOffset - checkpointOffset >= checkpointBytes;
    }

    /**
     * A roll switched to a new segment without writing the manifest yet (its seal is in flight):
     * the next checkpoint counts from {@code offset}. Master thread only.
     *
     * @param offset the new segment's first frame offset
     */
    void restartAt(long offset) {
        checkpointOffset = offset;
    }

    /**
     * The retention low-water mark: the first sequence of the oldest retained segment. Any thread.
     *
     * @return the low-water sequence
     */
    synchronized long lowWaterSequence() {
        return lowWaterSequence;
    }

    /**
     * Retention's commit point: removes from the sealed list every segment all of whose records
     * are below {@code sequence} (never the active segment, nor one whose seal is in flight: it
     * is not in the list yet), writing the manifest without them, with the new low-water mark,
     * first. Any thread.
     *
     * @param sequence records below this may be removed
     * @return the removed entries, oldest first (empty if none qualified)
     * @throws java.io.SyncFailedException if the manifest write failed: the journal must fail
     * @throws IOException if the log is closed
     */
    synchronized List<Manifest.Entry> removeSealedBefore(long sequence) throws IOException {
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
        final List<Manifest.Entry> removed = new ArrayList<>(sealed.subList(0, k));
        final List<Manifest.Entry> kept = new ArrayList<>(sealed.subList(k, sealed.size()));
        final long newLowWater = Math.max(lowWaterSequence,
                kept.isEmpty() ? lastActiveEntry.firstSequence : kept.get(0).firstSequence);
        final List<Manifest.Entry> entries = new ArrayList<>(kept);
        entries.add(lastActiveEntry);
        try {
            store.write(new Manifest(0, newLowWater, false, entries)); // the commit point
        } catch (IOException e) {
            throw Retention.syncFailed("retention's manifest write failed: dir=" + dir, e);
        }
        sealed.subList(0, k).clear();
        lowWaterSequence = newLowWater;
        return removed;
    }
}
