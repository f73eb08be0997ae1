/**
 * Memory-mapped segment files: creation with preallocation and prefaulting
 * ({@link io.mappedjournal.segment.Segment}, {@link io.mappedjournal.segment.SegmentPreallocator}),
 * the master's framing, syncing and rolling ({@link io.mappedjournal.segment.SegmentLog}), the
 * sync seam ({@link io.mappedjournal.segment.FileSyncer}, {@link io.mappedjournal.segment.MsyncSyncer})
 * and file names ({@link io.mappedjournal.segment.SegmentFiles}). Internal.
 */
package io.mappedjournal.segment;
