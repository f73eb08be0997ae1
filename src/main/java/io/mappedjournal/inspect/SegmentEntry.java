package io.mappedjournal.inspect;

/**
 * One segment as a manifest lists it (docs/FORMAT.md, "Manifest").
 *
 * @param firstSequence sequence of its first record (its file name)
 * @param nextSequence  sequence after its last durable record
 * @param segmentIndex  its index
 * @param validLength   the durable checkpoint: offset after its last durable frame (its seal, if sealed)
 * @param sealed        whether it is sealed (no longer written)
 */
public record SegmentEntry(long firstSequence, long nextSequence, long segmentIndex, long validLength, boolean sealed) {
}
