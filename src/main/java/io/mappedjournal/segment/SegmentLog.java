package io.mappedjournal.segment;

import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.FrameEncoder;
import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;
import io.mappedjournal.policy.RollPolicy;
import io.mappedjournal.staging.StagingRing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The master's side of the segments: frames records into the active segment, syncs, rolls and
 * keeps the manifest in step. Master thread only (no synchronisation inside).
 *
 * <p>A roll is one documented sequence (docs/FORMAT.md): write the seal marker after the last
 * frame; sync the old segment; take the preallocated segment, write and sync its header, rename
 * it to its final name and fsync the directory; then write the manifest naming both. A reader
 * that meets the seal marker finds the next segment by name once it exists.
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
    private final FrameEncoder encoder = new FrameEncoder();
    private final List<Manifest.Entry> sealed;
    private final long lowWaterSequence;

    private Segment active;
    private long activeCreatedMillis;
    private long writeOffset;
    private long nextSequence;
    private long syncedOffset;
    private long syncedSequence;
    private long checkpointOffset;
    private long oldestUnsyncedNanos;
    private long rolls;

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
        this.activeCreatedMillis = active.header().createdMillis;
        this.writeOffset = writeOffset;
        this.nextSequence = nextSequence;
        this.syncedOffset = writeOffset;
        this.syncedSequence = nextSequence;
        this.checkpointOffset = writeOffset;
    }

    /** Sequence the next frame gets. */
    public long nextSequence() {
        return nextSequence;
    }

    /** Every sequence below this is synced (or was already on disk at open). */
    public long syncedSequence() {
        return syncedSequence;
    }

    public long unsyncedBytes() {
        return writeOffset - syncedOffset;
    }

    public long oldestUnsyncedNanos() {
        return oldestUnsyncedNanos;
    }

    public long rolls() {
        return rolls;
    }

    public Segment activeSegment() {
        return active;
    }

    /** Frames one staged record into the active segment, rolling first if it does not fit. */
    public void append(StagingRing ring, int payloadIndex, int payloadLength) throws IOException {
        final long frameLength = FrameDescriptor.frameLength(payloadLength);
        if (writeOffset + frameLength > active.length()) {
            roll();
        }
        if (writeOffset == syncedOffset) {
            oldestUnsyncedNanos = System.nanoTime();
        }
        writeOffset += encoder.encode(active.store(), writeOffset, ring, payloadIndex, payloadLength, nextSequence);
        nextSequence++;
    }

    /** Rolls a non-empty segment when the roll policy says so. */
    public void maybeRollByTime(long nowMillis) throws IOException {
        if (writeOffset > SegmentHeaderDescriptor.DATA_OFFSET && rollPolicy.shouldRoll(activeCreatedMillis, nowMillis)) {
            roll();
        }
    }

    /**
     * Makes everything written so far durable. On failure the journal must fail: the caller never
     * calls this again (the kernel may have dropped the pages whose write-back failed).
     */
    public void sync() throws IOException {
        if (writeOffset > syncedOffset) {
            syncer.sync(active, syncedOffset, writeOffset);
            syncedOffset = writeOffset;
        }
        syncedSequence = nextSequence;
    }

    /** Writes a manifest checkpoint when enough has been synced since the last one. */
    public boolean maybeCheckpoint() throws IOException {
        if (syncedOffset - checkpointOffset >= checkpointBytes) {
            writeManifest(false);
            return true;
        }
        return false;
    }

    private void roll() throws IOException {
        final Segment old = active;
        final long sealOffset = writeOffset;
        if (sealOffset + 4 <= old.length()) {
            old.store().writeOrderedInt(sealOffset, FrameDescriptor.SEAL_MARKER);
        }
        syncer.sync(old, syncedOffset, Math.min(old.length(), sealOffset + FrameDescriptor.ALIGNMENT));
        syncedOffset = writeOffset;
        syncedSequence = nextSequence;
        final Segment next = preallocator.take();
        final long now = System.currentTimeMillis();
        final long index = old.header().segmentIndex + 1;
        try {
            next.activate(new SegmentHeader(index, nextSequence, segmentLength, now), syncer);
        } catch (IOException e) {
            next.discard();
            throw e;
        }
        sealed.add(new Manifest.Entry(old.firstSequence(), nextSequence, old.header().segmentIndex, sealOffset, true));
        active = next;
        activeCreatedMillis = now;
        writeOffset = SegmentHeaderDescriptor.DATA_OFFSET;
        syncedOffset = writeOffset;
        checkpointOffset = writeOffset;
        rolls++;
        writeManifest(false);
        old.close();
        LOG.info("rolled to {}: sealed {} at offset {} (sequences [{}, {}))", active.path().getFileName(),
                old.path().getFileName(), sealOffset, old.firstSequence(), nextSequence);
    }

    /** Writes the manifest: sealed segments, and the active one up to what is synced. */
    public void writeManifest(boolean clean) throws IOException {
        final List<Manifest.Entry> entries = new ArrayList<>(sealed);
        entries.add(new Manifest.Entry(active.firstSequence(), syncedSequence, active.header().segmentIndex,
                syncedOffset, false));
        manifestStore.write(new Manifest(0, lowWaterSequence, clean, entries));
        checkpointOffset = syncedOffset;
    }

    /** Clean shutdown: sync, record the exact end in the manifest, unmap. */
    public void closeClean() throws IOException {
        sync();
        writeManifest(true);
        close();
    }

    /** Unmaps and stops preallocating; no sync (used after a failure too). */
    @Override
    public void close() {
        active.close();
        preallocator.close();
    }

    public Path dir() {
        return dir;
    }
}
