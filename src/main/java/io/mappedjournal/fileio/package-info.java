/**
 * The bottom layer: file-system operations the journal's durability rests on, below everything
 * else. {@link io.mappedjournal.fileio.FileOps} (allocate, fsync a file, fsync a directory: the
 * test seam crash enumeration and fault injection replace), {@link io.mappedjournal.fileio.DurableFiles}
 * (the operations in use, each failed sync recorded) and {@link io.mappedjournal.fileio.SyncFailures}
 * (the per-process registry of directories whose sync failed, "fsyncgate"), and the directory lock.
 *
 * <p>Rule: this package imports nothing from {@code io.mappedjournal}; every other package may
 * import it (segments, manifests, recovery, the journal).
 *
 * <p><b>Internal: not API, no compatibility promise, may change in any release.</b>
 */
package io.mappedjournal.fileio;
