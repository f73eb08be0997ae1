package io.mappedjournal.inspect;

/**
 * A segment's header (docs/FORMAT.md, "Segment header").
 *
 * @param segmentIndex  the segment's index: one above the previous segment's
 * @param firstSequence sequence of the segment's first record (also its file name)
 * @param segmentLength the file's length when created
 */
public record SegmentHeaderInfo(long segmentIndex, long firstSequence, long segmentLength) {
}
