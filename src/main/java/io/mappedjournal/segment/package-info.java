/**
 * Memory-mapped segment files: creation with preallocation and prefaulting
 * ({@link io.mappedjournal.segment.Segment}, {@link io.mappedjournal.segment.SegmentPreallocator}),
 * the master's framing, syncing and rolling ({@link io.mappedjournal.segment.SegmentLog}), the
 * sync seam ({@link io.mappedjournal.segment.FileSyncer}, {@link io.mappedjournal.segment.MsyncSyncer})
 * and file names ({@link io.mappedjournal.segment.SegmentFiles}).
 *
 * <p>{@code SegmentLog} orchestrates; each of its other concerns is one class:
 * <ul>
 *   <li>{@link io.mappedjournal.segment.BackgroundSync}: the sync policy's group commit on the sealer thread;</li>
 *   <li>{@link io.mappedjournal.segment.SegmentRoller}: the steps of a roll and the seal in flight;</li>
 *   <li>{@link io.mappedjournal.segment.Sealer}: the one background thread those two run on;</li>
 *   <li>{@link io.mappedjournal.segment.ManifestCheckpoints}: the manifest's content and every write of it;</li>
 *   <li>{@link io.mappedjournal.segment.Retention}: deleting old segments, from any thread;</li>
 *   <li>{@link io.mappedjournal.segment.SealListener}: how the master learns that a roll's seal is durable.</li>
 * </ul>
 *
 * <p><b>Internal: not API, no compatibility promise, may change in any release.</b> Public
 * only where the journal's own packages, the tools or the jcstress tests need it; applications
 * use {@code io.mappedjournal}, {@code io.mappedjournal.policy} and {@code io.mappedjournal.metrics}.
 */
package io.mappedjournal.segment;
