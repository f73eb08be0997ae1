package io.mappedjournal.segment;

import io.mappedjournal.manifest.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Retention: deletes sealed segments below a sequence. The sequence is the commit protocol of
 * docs/FORMAT.md: the manifest without them, with the new low-water mark, is written and synced
 * first (under the {@link ManifestCheckpoints} monitor); the files are deleted after, then the
 * directory is fsynced. A crash in between leaves files below the low-water mark, which recovery
 * deletes.
 *
 * <p>Invariant it owns: a failed manifest write or directory fsync is a
 * {@link java.io.SyncFailedException}, which fails the journal (a failed sync is never retried:
 * the next manifest write would go to the same slot). Readers are not locked out: a reader that
 * opens a segment retention unlinks underneath continues at the oldest retained record
 * (ReaderRetentionRaceTest); that rule lives with the reader, not here.
 *
 * <p>Threads: any thread (the application's retention call), concurrently with the master;
 * the only shared state is {@link ManifestCheckpoints}', under its monitor.
 */
final class Retention {
    /** SegmentLog's logger: retention's log line keeps the name it had before the split. */
    private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);

    private final Path dir;
    private final ManifestCheckpoints checkpoints;

    Retention(Path dir, ManifestCheckpoints checkpoints) {
        this.dir = dir;
        this.checkpoints = checkpoints;
    }

    /**
     * Removes every sealed segment all of whose records are below {@code sequence} (never the
     * active segment, nor one whose final sync is still in flight). Any thread.
     *
     * @param sequence records below this may be removed
     * @return the deleted segments' entries, oldest first (empty if none qualified)
     * @throws java.io.SyncFailedException if the manifest write or the directory fsync failed: the
     *                     caller must fail the journal (a failed sync is never retried)
     * @throws IOException if the log is closed or a file cannot be deleted
     */
    List<Manifest.Entry> deleteBefore(long sequence) throws IOException {
        final List<Manifest.Entry> removed = checkpoints.removeSealedBefore(sequence);
        if (removed.isEmpty()) {
            return removed;
        }
        for (Manifest.Entry e : removed) {
            Files.deleteIfExists(SegmentFiles.segmentPath(dir, e.firstSequence));
        }
        try {
            SegmentFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            throw syncFailed("retention's directory fsync failed: dir=" + dir, e);
        }
        LOG.info("retention: deleted {} segment(s) below sequence {} in {}", removed.size(), sequence, dir);
        return removed;
    }

    /**
     * A failed write or sync of retention's commit: the journal must fail.
     *
     * @param what  what failed, with {@code name=value} details
     * @param cause the failure
     * @return the exception to throw
     */
    static java.io.SyncFailedException syncFailed(String what, IOException cause) {
        final java.io.SyncFailedException e = new java.io.SyncFailedException(what + ": " + cause.getMessage());
        e.initCause(cause);
        return e;
    }
}
