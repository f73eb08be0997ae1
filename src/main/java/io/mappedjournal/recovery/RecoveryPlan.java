package io.mappedjournal.recovery;

import io.mappedjournal.RecoveryReport;
import io.mappedjournal.manifest.Manifest;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a read-only {@link RecoveryScan}: the journal as it should be after repair, and
 * the repairs that get it there. {@link Repair} carries them out; a dry run only prints them.
 */
public final class RecoveryPlan {
    /** Zero the bytes of {@code file} in {@code [offset, end)}; {@code end} is past the last non-zero byte. */
    public static final class ZeroRange {
        /** The segment file. */
        public final Path file;
        /** First byte to zero. */
        public final long offset;
        /** One past the last byte to zero. */
        public final long end;

        ZeroRange(Path file, long offset, long end) {
            this.file = file;
            this.offset = offset;
            this.end = end;
        }
    }

    /** Cover {@code [offset, offset + length)} of {@code file} with a skip frame. */
    public static final class SkipRange {
        /** The segment file. */
        public final Path file;
        /** Offset of the damaged bytes, where the skip frame goes. */
        public final long offset;
        /** Bytes to step over. */
        public final long length;

        SkipRange(Path file, long offset, long length) {
            this.file = file;
            this.offset = offset;
            this.length = length;
        }
    }

    /** Write a seal marker at {@code offset} of {@code file} (skip-corrupted: a salvaged segment followed by another). */
    static final class Seal {
        public final Path file;
        public final long offset;

        Seal(Path file, long offset) {
            this.file = file;
            this.offset = offset;
        }
    }

    /** Give {@code file} back the length its header records (it was truncated or extended from outside). */
    static final class Resize {
        public final Path file;
        public final long length;

        Resize(Path file, long length) {
            this.file = file;
            this.length = length;
        }
    }

    /**
     * Sync {@code [DATA_OFFSET, end)} of {@code file}: the frames the scan found valid, which may
     * still be only in the page cache after a process crash, become durable before a manifest
     * records them as the checkpoint.
     */
    static final class SyncRange {
        public final Path file;
        public final long end;

        SyncRange(Path file, long end) {
            this.file = file;
            this.end = end;
        }
    }

    /** True when the directory holds no journal yet. */
    public final boolean fresh;
    /** The segment list after repair; the last entry is active, its valid length is the end. May be empty (see {@link #nextSequence}). */
    public final List<Manifest.Entry> segments;
    /** The retention low-water mark the repaired manifest records. */
    public final long lowWaterSequence;
    /** Highest manifest generation seen (the next write uses the one after it). */
    final long lastGeneration;
    /** Sequence of the next record: where a new active segment starts when {@link #segments} is empty or ends sealed. */
    public final long nextSequence;
    /** Index for a new segment created at open (one past the highest index seen). */
    public final long nextSegmentIndex;
    /** Applied first, each synced: files given their header's length back. */
    final List<Resize> resizes;
    /** Bytes after a segment's last valid frame to zero (torn tails). */
    public final List<ZeroRange> zeroRanges;
    /** Damaged bytes to cover with skip frames (skip-corrupted mode only). */
    public final List<SkipRange> skipRanges;
    final List<Seal> seals;
    final List<SyncRange> syncs;
    /** Segments set aside (renamed with a {@code .discarded} suffix), before the manifest is written. */
    final List<Path> discards;
    /** Files that are not part of the journal (leftover preallocations, retention leftovers), deleted after the manifest. */
    final List<Path> deletions;
    /** What the scan found and what the repair does. */
    public final RecoveryReport report;

    RecoveryPlan(boolean fresh, List<Manifest.Entry> segments, long lowWaterSequence, long lastGeneration,
                 long nextSequence, long nextSegmentIndex, List<Resize> resizes, List<ZeroRange> zeroRanges,
                 List<SkipRange> skipRanges, List<Seal> seals, List<SyncRange> syncs, List<Path> discards,
                 List<Path> deletions, RecoveryReport report) {
        this.fresh = fresh;
        this.segments = List.copyOf(segments);
        this.lowWaterSequence = lowWaterSequence;
        this.lastGeneration = lastGeneration;
        this.nextSequence = nextSequence;
        this.nextSegmentIndex = nextSegmentIndex;
        this.resizes = List.copyOf(resizes);
        this.zeroRanges = List.copyOf(zeroRanges);
        this.skipRanges = List.copyOf(skipRanges);
        this.seals = List.copyOf(seals);
        this.syncs = List.copyOf(syncs);
        this.discards = List.copyOf(discards);
        this.deletions = List.copyOf(deletions);
        this.report = report;
    }

    /**
     * The active segment's entry after repair, or null when no segment remains.
     *
     * @return the last entry of {@link #segments}, or null
     */
    public Manifest.Entry active() {
        return segments.isEmpty() ? null : segments.get(segments.size() - 1);
    }

    /**
     * Whether {@link Repair} has to change, set aside or delete any file (the manifest aside).
     *
     * @return true if any resize, zero range, skip range, seal, discard or deletion is planned
     */
    public boolean needsRepair() {
        return !resizes.isEmpty() || !zeroRanges.isEmpty() || !skipRanges.isEmpty() || !seals.isEmpty()
                || !deletions.isEmpty() || !discards.isEmpty();
    }
}
