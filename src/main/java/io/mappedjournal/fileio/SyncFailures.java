package io.mappedjournal.fileio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The journal directories where a sync failed in this process ("fsyncgate"): after a failed
 * write-back the kernel may keep the unwritten bytes as clean cached pages, so a recovery in this
 * process would read them as if they were on the disk, sync them "successfully" (clean pages are
 * not written again) and let a manifest and new acknowledged records build on them; a power cut
 * then loses what they were built on. So a directory with a failed sync is never recovered again
 * in this process: {@link #checkRecoverable} refuses it.
 *
 * <p>Recorded wherever the journal syncs: {@code segment.MsyncSyncer} (msync, and fdatasync of a
 * sealed segment), {@link DurableFiles#force} (manifests, recovery's resizes),
 * {@link DurableFiles#fsyncDirectory} and preallocation's fsync ({@link FileOps#allocate}); read at
 * recovery. Threads: any (a concurrent map).
 */
public final class SyncFailures {
    private static final ConcurrentHashMap<Path, String> FAILED = new ConcurrentHashMap<>();

    private SyncFailures() {
    }

    /**
     * Records that a sync of {@code file} failed.
     *
     * @param file    the file whose sync failed
     * @param failure what failed (the syncer's message)
     */
    public static void record(Path file, String failure) {
        final Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            FAILED.putIfAbsent(key(dir), failure);
        }
    }

    /**
     * Records that an fsync of the journal directory {@code dir} itself failed.
     *
     * @param dir     the directory whose fsync failed
     * @param failure what failed
     */
    public static void recordDirectory(Path dir, String failure) {
        FAILED.putIfAbsent(key(dir.toAbsolutePath()), failure);
    }

    /**
     * Refuses a directory where a sync failed in this process.
     *
     * @param dir the journal directory about to be recovered
     * @throws IOException naming the directory and the failed sync, if one failed here
     */
    public static void checkRecoverable(Path dir) throws IOException {
        final String failure = FAILED.get(key(dir));
        if (failure != null) {
            throw new IOException("refusing to recover journal in the process where its sync failed: dir=" + dir
                    + " failure=[" + failure + "]: after a failed sync the kernel may keep the unwritten bytes as"
                    + " clean cached pages, which recovery would take for data on the disk; reopen from a new"
                    + " process, after a reboot for certainty");
        }
    }

    private static Path key(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }
}
