package io.mappedjournal.manifest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The journal's table of contents (immutable): which segments exist, in order, which is active,
 * how far the active one is known to be synced (the checkpoint), and the retention low-water
 * mark. Layout in {@link ManifestDescriptor}.
 */
public final class Manifest {
    private final long generation;
    private final long lowWaterSequence;
    private final boolean clean;
    private final List<Entry> segments;

    /**
     * Creates a manifest.
     *
     * @param generation       the generation ({@link ManifestStore#write} stamps the next one)
     * @param lowWaterSequence the retention low-water mark
     * @param clean            whether this manifest records a clean close
     * @param segments         the entries in journal order, the active one (if any) last; copied
     */
    public Manifest(long generation, long lowWaterSequence, boolean clean, List<Entry> segments) {
        this.generation = generation;
        this.lowWaterSequence = lowWaterSequence;
        this.clean = clean;
        this.segments = Collections.unmodifiableList(new ArrayList<>(segments));
    }

    /**
     * Generation of this manifest: one more at every write; of two believable slots the higher wins.
     *
     * @return the generation
     */
    public long generation() {
        return generation;
    }

    /**
     * Retention low-water mark: the first sequence of the oldest retained segment.
     *
     * @return the low-water sequence
     */
    public long lowWaterSequence() {
        return lowWaterSequence;
    }

    /**
     * True when written by a clean close: the active entry's valid length is the exact end.
     *
     * @return whether the journal was closed cleanly
     */
    public boolean clean() {
        return clean;
    }

    /**
     * The segment entries in journal order, the active one (if any) last.
     *
     * @return an unmodifiable list, empty for an empty manifest
     */
    public List<Entry> segments() {
        return segments;
    }

    /**
     * The last entry (the active segment), or null for an empty manifest.
     *
     * @return the last entry, or null
     */
    public Entry active() {
        return segments.isEmpty() ? null : segments.get(segments.size() - 1);
    }

    Manifest withGeneration(long newGeneration) {
        return new Manifest(newGeneration, lowWaterSequence, clean, segments);
    }

    @Override
    public String toString() {
        return "Manifest{generation=" + generation + ", lowWater=" + lowWaterSequence + ", clean=" + clean
                + ", segments=" + segments + '}';
    }

    /** One segment's line in the manifest. */
    public static final class Entry {
        /** Sequence of the segment's first record. */
        public final long firstSequence;
        /** One past the segment's last record, as of {@link #validLength}. */
        public final long nextSequence;
        /** The segment's index (as in its header). */
        public final long segmentIndex;
        /**
         * Offset where the segment's frames known synced end (for the active segment, the
         * checkpoint; for a sealed one, the seal marker's offset).
         */
        public final long validLength;
        /** True for a sealed segment, false for the active one. */
        public final boolean sealed;

        /**
         * Creates an entry.
         *
         * @param firstSequence sequence of the segment's first record
         * @param nextSequence  one past the segment's last record, as of {@code validLength}
         * @param segmentIndex  the segment's index
         * @param validLength   offset where the frames known synced end
         * @param sealed        true for a sealed segment
         */
        public Entry(long firstSequence, long nextSequence, long segmentIndex, long validLength, boolean sealed) {
            this.firstSequence = firstSequence;
            this.nextSequence = nextSequence;
            this.segmentIndex = segmentIndex;
            this.validLength = validLength;
            this.sealed = sealed;
        }

        /** Last sequence in the segment (as of the checkpoint), or firstSequence - 1 if none. */
        long lastSequence() {
            return nextSequence - 1;
        }

        @Override
        public String toString() {
            return "{first=" + firstSequence + ", next=" + nextSequence + ", index=" + segmentIndex + ", validLength="
                    + validLength + ", " + (sealed ? "sealed" : "active") + '}';
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Entry)) {
                return false;
            }
            final Entry e = (Entry) o;
            return firstSequence == e.firstSequence && nextSequence == e.nextSequence
                    && segmentIndex == e.segmentIndex && validLength == e.validLength && sealed == e.sealed;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(firstSequence) * 31 + Long.hashCode(validLength);
        }
    }
}
