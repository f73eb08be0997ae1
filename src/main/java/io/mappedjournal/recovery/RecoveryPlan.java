package io.mappedjournal.recovery;

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
        public final Path file;
        public final long offset;
        public final long end;

        ZeroRange(Path file, long offset, long end) {
            this.file = file;
            this.offset = offset;
            this.end = end;
        }
    }

    /** Cover {@code [offset, offset + length)} of {@code file} with a skip frame. */
    public static final class SkipRange {
        public final Path file;
        public final long offset;
        public final long length;

        SkipRange(Path file, long offset, long length) {
            this.file = file;
            this.offset = offset;
            this.length = length;
        }
    }

    /** True when the directory holds no journal yet. */
    public final boolean fresh;
    /** The segment list after repair; the last entry is active, its valid length is the end. */
    public final List<Manifest.Entry> segments;
    public final long lowWaterSequence;
    /** Highest manifest generation seen (the next write uses the one after it). */
    public final long lastGeneration;
    public final List<ZeroRange> zeroRanges;
    public final List<SkipRange> skipRanges;
    /** Files that are not part of the journal (leftover preallocations, retention leftovers). */
    public final List<Path> deletions;
    /** Segments set aside by point-in-time recovery: renamed with a {@code .discarded} suffix. */
    public final List<Path> discards;
    public final RecoveryReport report;

    RecoveryPlan(boolean fresh, List<Manifest.Entry> segments, long lowWaterSequence, long lastGeneration,
                 List<ZeroRange> zeroRanges, List<SkipRange> skipRanges, List<Path> deletions, List<Path> discards,
                 RecoveryReport report) {
        this.fresh = fresh;
        this.segments = List.copyOf(segments);
        this.lowWaterSequence = lowWaterSequence;
        this.lastGeneration = lastGeneration;
        this.zeroRanges = List.copyOf(zeroRanges);
        this.skipRanges = List.copyOf(skipRanges);
        this.deletions = List.copyOf(deletions);
        this.discards = List.copyOf(discards);
        this.report = report;
    }

    /** The active segment's entry after repair. */
    public Manifest.Entry active() {
        return segments.get(segments.size() - 1);
    }

    public boolean needsRepair() {
        return !zeroRanges.isEmpty() || !skipRanges.isEmpty() || !deletions.isEmpty() || !discards.isEmpty();
    }
}
