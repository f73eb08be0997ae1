package io.mappedjournal.fileio;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@link FileOps} in use, and the two syncs every layer needs (a file's {@code fsync}, a
 * directory's {@code fsync}), each failure recorded in {@link SyncFailures} before it is thrown.
 * None of this is on the append path: it runs at a roll, a checkpoint, retention and recovery.
 */
public final class DurableFiles {
    /** Read at every fsync of a file or directory (never on the append path); written only by tests. */
    private static volatile FileOps fileOps = FileOps.REAL;

    private DurableFiles() {
    }

    /**
     * Makes a create, rename or delete in {@code dir} durable.
     *
     * @param dir the directory
     * @throws IOException if the directory cannot be opened or synced
     */
    public static void fsyncDirectory(Path dir) throws IOException {
        try {
            fileOps.fsyncDirectory(dir);
        } catch (IOException e) {
            SyncFailures.recordDirectory(dir, "fsync of directory failed: dir=" + dir + ": " + e.getMessage());
            throw e;
        }
    }

    /**
     * {@code fsync} of {@code file} through its open {@code channel} (data and metadata).
     *
     * @param channel an open channel of {@code file}
     * @param file    the file
     * @throws IOException if the sync failed
     */
    public static void force(FileChannel channel, Path file) throws IOException {
        try {
            fileOps.force(channel, file);
        } catch (IOException e) {
            SyncFailures.record(file, "fsync failed: path=" + file + ": " + e.getMessage());
            throw e;
        }
    }

    /**
     * The file operations in use: {@link FileOps#REAL} unless a test installed others.
     *
     * @return the current implementation
     */
    public static FileOps fileOps() {
        return fileOps;
    }

    /**
     * Test seam: makes every journal in this process use {@code ops} for the operations of
     * {@link FileOps} (a recorder, or a fault injector). Restore the returned previous value
     * when done. Not for production use.
     *
     * @param ops the implementation to use
     * @return the previous implementation
     */
    public static FileOps useFileOps(FileOps ops) {
        final FileOps previous = fileOps;
        fileOps = Objects.requireNonNull(ops, "ops");
        return previous;
    }
}
