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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The master's side of the segments: frames records into the active segment, syncs, rolls and
 * keeps the manifest in step. Master thread only (no synchronisation inside).
 *
 * <p>A roll is one documented sequence (docs/FORMAT.md): write the seal marker after the last
 * frame; sync the old segment (inline, or on the sealer thread when much is unsynced); take the
 * preallocated segment, write and sync its header, rename it to its final name and fsync the
 * directory; then, once the old segment's sync succeeded, write the manifest naming both. A
 * reader that meets the seal marker finds the next segment by name once it exists.
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
    private final List<Manifest.Entry> sealed;
    private final long lowWaterSequence;

    private Segment active;
    /** Native address of the active segment's offset 0 (valid while it is mapped). */
    private long activeAddress;
    private long activeCreatedMillis;
    private long writeOffset;
    private long nextSequence;
    private long syncedOffset;
    /** One past the last sequence synced in the active segment (its manifest checkpoint). */
    private long activeSyncedSequence;
    /** Journal-wide: every sequence below this is durable. */
    private long durableSequence;
    /** A sealed segment whose final sync runs on the sealer thread, or null. */
    private PendingSeal pendingSeal;
    private final ExecutorService sealer;
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
        this.activeAddress = active.addressOf(0);
        this.activeCreatedMillis = active.header().createdMillis;
        this.writeOffset = writeOffset;
        this.nextSequence = nextSequence;
        this.syncedOffset = writeOffset;
        this.activeSyncedSequence = nextSequence;
        this.durableSequence = nextSequence;
        this.sealer = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "mapped-journal-sealer:" + dir.getFileName());
            t.setDaemon(true);
            return t;
        });
        this.checkpointOffset = writeOffset;
    }

    /** Sequence the next frame gets. */
    public long nextSequence() {
        return nextSequence;
    }

    /** Every sequence below this is durable (synced, or already on disk at open). */
    public long durableSequence() {
        return durableSequence;
    }

    /** True when everything written is durable (nothing unsynced, no seal in flight). */
    public boolean fullySynced() {
        return writeOffset == syncedOffset && pendingSeal == null;
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
        writeOffset += encoder.encode(activeAddress, writeOffset, ring, payloadIndex, payloadLength, nextSequence);
        nextSequence++;
    }

    /** Rolls a non-empty segment when the roll policy says so. */
    public void maybeRollByTime(long nowMillis) throws IOException {
        if (writeOffset > SegmentHeaderDescriptor.DATA_OFFSET && rollPolicy.shouldRoll(activeCreatedMillis, nowMillis)) {
            roll();
        }
    }

    /**
     * Makes everything written so far durable, including a sealed segment whose final sync is
     * still running on the sealer thread. On failure the journal must fail: the caller never calls
     * this again (the kernel may have dropped the pages whose write-back failed).
     */
    public void sync() throws IOException {
        if (pendingSeal != null) {
            completeSeal(true);
        }
        if (writeOffset > syncedOffset) {
            syncer.sync(active, syncedOffset, writeOffset);
            syncedOffset = writeOffset;
        }
        activeSyncedSequence = nextSequence;
        durableSequence = nextSequence;
    }

    /** Master, every duty cycle: finishes a background seal that completed (manifest update). */
    public boolean pollSeal() throws IOException {
        if (pendingSeal != null && pendingSeal.done.isDone()) {
            completeSeal(false);
            return true;
        }
        return false;
    }

    /** Writes a manifest checkpoint when enough has been synced since the last one. */
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
        if (pendingSeal != null) {
            completeSeal(true); // at most one seal in flight
        }
        final Segment old = active;
        final long sealOffset = writeOffset;
        if (sealOffset + 4 <= old.length()) {
            old.store().writeOrderedInt(sealOffset, FrameDescriptor.SEAL_MARKER);
        }
        final long from = syncedOffset;
        final long to = Math.min(old.length(), sealOffset + FrameDescriptor.ALIGNMENT);
        final Manifest.Entry sealedEntry = new Manifest.Entry(old.firstSequence(), nextSequence,
                old.header().segmentIndex, sealOffset, true);
        if (to - from <= INLINE_SEAL_SYNC_BYTES) {
            syncer.sync(old, from, to);
            old.close();
            sealed.add(sealedEntry);
            durableSequence = nextSequence;
        } else {
            final CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
                try {
                    syncer.sync(old, from, to);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    old.close();
                }
            }, sealer);
            pendingSeal = new PendingSeal(done, sealedEntry);
        }
        final Segment next = preallocator.take();
        final long now = System.currentTimeMillis();
        final long index = old.header().segmentIndex + 1;
        try {
            next.activate(new SegmentHeader(index, nextSequence, segmentLength, now), syncer);
        } catch (IOException e) {
            next.discard();
            throw e;
        }
        active = next;
        activeAddress = next.addressOf(0);
        activeCreatedMillis = now;
        writeOffset = SegmentHeaderDescriptor.DATA_OFFSET;
        syncedOffset = writeOffset;
        activeSyncedSequence = nextSequence;
        checkpointOffset = writeOffset;
        rolls++;
        if (pendingSeal == null) {
            writeManifest(false);
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
        sealed.add(seal.entry);
        if (durableSequence < seal.entry.nextSequence) {
            durableSequence = seal.entry.nextSequence;
        }
        writeManifest(false);
    }

    /** A segment being synced on the sealer thread. */
    private static final class PendingSeal {
        final CompletableFuture<Void> done;
        final Manifest.Entry entry;

        PendingSeal(CompletableFuture<Void> done, Manifest.Entry entry) {
            this.done = done;
            this.entry = entry;
        }
    }

    /** Writes the manifest: sealed segments, and the active one up to what is synced. */
    public void writeManifest(boolean clean) throws IOException {
        final List<Manifest.Entry> entries = new ArrayList<>(sealed);
        entries.add(new Manifest.Entry(active.firstSequence(), activeSyncedSequence, active.header().segmentIndex,
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
        sealer.shutdown();
        try {
            sealer.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES); // the seal job unmaps its segment
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        active.close();
        preallocator.close();
    }

    public Path dir() {
        return dir;
    }
}
