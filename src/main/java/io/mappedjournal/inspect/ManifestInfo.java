package io.mappedjournal.inspect;

import java.util.List;

/**
 * A manifest: the segment list and its durable checkpoint (docs/FORMAT.md, "Manifest").
 *
 * @param generation       incremented by every write; the valid slot with the highest one is in use
 * @param lowWaterSequence retention's low-water mark: records below it were deleted
 * @param clean            whether the journal was closed cleanly after this manifest
 * @param segments         the segments, oldest first; the last is the active one
 */
public record ManifestInfo(long generation, long lowWaterSequence, boolean clean, List<SegmentEntry> segments) {
    /**
     * Copies {@code segments}.
     *
     * @param generation       incremented by every write
     * @param lowWaterSequence retention's low-water mark
     * @param clean            whether the journal was closed cleanly after this manifest
     * @param segments         the segments, oldest first
     */
    public ManifestInfo {
        segments = List.copyOf(segments);
    }

    /**
     * The active (last) segment, or null if the list is empty.
     *
     * @return the last entry, or null
     */
    public SegmentEntry active() {
        return segments.isEmpty() ? null : segments.get(segments.size() - 1);
    }
}
