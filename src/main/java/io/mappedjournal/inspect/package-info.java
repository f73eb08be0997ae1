/**
 * Read-only inspection of a journal directory, for tools (the {@code journal} CLI's {@code verify},
 * {@code dump}, {@code stats}, {@code recover}): its files ({@link io.mappedjournal.inspect.JournalFiles}),
 * its manifest slots ({@link io.mappedjournal.inspect.Manifests}), its segments and their frames
 * through the decoder the journal itself uses ({@link io.mappedjournal.inspect.SegmentReader},
 * {@link io.mappedjournal.inspect.FrameCursor}: the same status codes and the same
 * resynchronisation rule as recovery and the reader), and recovery as an explicit step
 * ({@link io.mappedjournal.inspect.Recovery}: scan, describe, repair).
 *
 * <p>Public API (pinned with the rest), but at the level of the on-disk format: what it shows
 * changes when docs/FORMAT.md does. Nothing here is needed to use a journal; applications use
 * {@code io.mappedjournal}.
 */
package io.mappedjournal.inspect;
