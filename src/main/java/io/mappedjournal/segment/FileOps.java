package io.mappedjournal.segment;

import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The file-system operations the journal's durability rests on besides the {@code msync} of mapped
 * ranges ({@link FileSyncer}): giving a file its blocks, fsyncing a file, fsyncing a directory.
 * Creates, renames and deletes need no hook: they become durable only at the directory's fsync,
 * which is one.
 *
 * <p>A test seam, like {@link FileSyncer}: {@link #REAL} performs each operation and is what the
 * journal uses unless a test installs another with {@link SegmentFiles#useFileOps}. A test
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
        Segment.allocate(file, length, posix);
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
        try (FileChannel channel = FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
