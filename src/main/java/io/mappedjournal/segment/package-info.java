/**
 * Memory-mapped segment files: creation with preallocation and prefaulting
 * ({@link io.mappedjournal.segment.Segment}, {@link io.mappedjournal.segment.SegmentPreallocator}),
 * the master's framing, syncing and rolling ({@link io.mappedjournal.segment.SegmentLog}), the
 * sync seam ({@link io.mappedjournal.segment.FileSyncer}, {@link io.mappedjournal.segment.MsyncSyncer})
 * and file names ({@link io.mappedjournal.segment.SegmentFiles}).
 *
 * <p><b>Internal: not API, no compatibility promise, may change in any release.</b> Public
 * only where the journal's own packages, the tools or the jcstress tests need it; applications
 * use {@code io.mappedjournal}, {@code io.mappedjournal.policy} and {@code io.mappedjournal.metrics}.
 */
package io.mappedjournal.segment;
