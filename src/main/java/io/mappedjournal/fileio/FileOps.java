package io.mappedjournal.fileio;

import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file-system operations the journal's durability rests on besides the {@code msync} of mapped
 * ranges ({@code segment.FileSyncer}): giving a file its blocks, fsyncing a file, fsyncing a directory.
 * Creates, renames and deletes need no hook: they become durable only at the directory's fsync,
 * which is one.
 *
 * <p>A test seam, like {@code FileSyncer}: {@link #REAL} performs each operation and is what the
 * journal uses unless a test installs another with {@link DurableFiles#useFileOps}. A test
 * implementation may record each call (crash-state enumeration builds the crash images the
 * persistence model allows at every one of them) or throw instead of delegating (disk full). None
 * of these is on the append path: they run at a roll, a checkpoint, retention and recovery.
 *
 * <p>Contract: each method either completes the operation, durably, or throws.
 */
public interface FileOps {
    /** The real file system. */
    FileOps REAL = new FileOps() {
    };

    /**
     * Gives the existing file {@code file} {@code length} bytes, every block allocated, and makes
     * the new size durable ({@code fallocate}, then {@code fsync}).
     *
     * @param file   an existing file
     * @param length its new length in bytes
     * @param posix  the binding for {@code fallocate}
     * @throws IOException naming the path and errno (ENOSPC: disk full)
     */
    default void allocate(Path file, long length, PosixAPI posix) throws IOException {
        fallocate(file, length, posix);
    }

    /**
     * {@code fsync} of {@code file} through its open {@code channel}: data and metadata.
     *
     * @param channel an open channel of {@code file}
     * @param file    the file (to name it; the channel is what is synced)
     * @throws IOException if the sync failed
     */
    default void force(FileChannel channel, Path file) throws IOException {
        channel.force(true);
    }

    /**
     * {@code fsync} of the directory {@code dir}: makes its entries' creates, renames and deletes
     * durable.
     *
     * @param dir the directory
     * @throws IOException if the directory cannot be opened or synced
     */
    default void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Gives {@code path} (an existing file) {@code length} bytes, every block allocated with
     * {@code fallocate} (so a full disk is an error here, never a SIGBUS when the mapping is
     * written later), and fsyncs it so the new size is durable.
     *
     * @param path   an existing file
     * @param length the length to give it, in bytes
     * @param posix  the binding for {@code open} and {@code fallocate}
     * @throws IOException naming the path, the length and errno (ENOSPC: disk full)
     */
    private static void fallocate(Path path, long length, PosixAPI posix) throws IOException {
        final int O_RDWR = 2; // Linux value; Chronicle's OpenFlag enum carries BSD values
        final int ENOSPC = 28;
        final int fd = posix.open(path.toString(), O_RDWR, 0);
        if (fd < 0) {
            final int errno = posix.lastError();
            throw new IOException("cannot open segment for preallocation: path=" + path + " errno=" + errno
                    + " (" + posix.strerror(errno) + ")");
        }
        try {
            final int rc = posix.fallocate(fd, 0, 0, length);
            if (rc != 0) {
                // Chronicle's binding does not reliably capture errno (it may be stale), so the
                // free space decides whether this is a full disk.
                final int errno = rc > 0 ? rc : posix.lastError();
                long usable = -1;
                try {
                    usable = Files.getFileStore(path).getUsableSpace();
                } catch (IOException | RuntimeException ignored) {
                    // keep -1: unknown
                }
                final boolean full = errno == ENOSPC || (usable >= 0 && usable < length);
                throw new IOException("cannot preallocate segment (" + (full ? "disk full" : "fallocate failed")
                        + "): path=" + path + " length=" + length + " usable=" + usable + " errno=" + errno + " ("
                        + posix.strerror(errno) + ")");
            }
        } finally {
            posix.close(fd);
        }
        final long actual = Files.size(path);
        if (actual < length) {
            throw new IOException("preallocation left a file of the wrong size: path=" + path + " expected=" + length
                    + " actual=" + actual);
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            if (actual > length) {
                ch.truncate(length);
            }
            try {
                ch.force(true);
            } catch (IOException e) {
                SyncFailures.record(path, "fsync after preallocation failed: path=" + path + ": " + e.getMessage());
                throw e;
            }
        }
    }
}
