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

    public Manifest(long generation, long lowWaterSequence, boolean clean, List<Entry> segments) {
        this.generation = generation;
        this.lowWaterSequence = lowWaterSequence;
        this.clean = clean;
        this.segments = Collections.unmodifiableList(new ArrayList<>(segments));
    }

    public long generation() {
        return generation;
    }

    public long lowWaterSequence() {
        return lowWaterSequence;
    }

    /** True when written by a clean close: the active entry's valid length is the exact end. */
    public boolean clean() {
        return clean;
    }

    public List<Entry> segments() {
        return segments;
    }

    /** The last entry (the active segment), or null for an empty manifest. */
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
        public final long firstSequence;
        public final long nextSequence;
        public final long segmentIndex;
        public final long validLength;
        public final boolean sealed;

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
