package io.mappedjournal.fileio;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One holder per directory, across threads and processes: an OS lock on a lock file in the
 * directory (released by the OS when the process dies, so a crash leaves no stale lock) plus a
 * registry of the directories this JVM holds.
 *
 * <p>The in-process registry is checked first, before any channel on the lock file is opened:
 * POSIX drops every fcntl lock a process holds on a file when the process closes ANY descriptor of
 * that file, so probing with a second channel and closing it would silently release the lock the
 * holder has (another process could then take it: a second writer).
 *
 * <p>Threading: {@link #acquire} from any thread; {@link #close()} once, from the holder.
 */
public final class DirectoryLock implements AutoCloseable {
    /** Directories (real paths) locked in this JVM. */
    private static final ConcurrentHashMap<Path, Boolean> HELD_IN_THIS_PROCESS = new ConcurrentHashMap<>();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} through {@code lockFile} (created if missing), without waiting.
     *
     * @param dir      the existing directory to lock (its real path is the in-process key)
     * @param lockFile the lock file, inside {@code dir}
     * @return the held lock; the caller must {@link #close()} it
     * @throws HeldException if this JVM or another process already holds the directory
     * @throws IOException   if the directory cannot be resolved or the lock file cannot be opened or locked
     */
    public static DirectoryLock acquire(Path dir, Path lockFile) throws HeldException, IOException {
        final Path key = dir.toRealPath();
        if (HELD_IN_THIS_PROCESS.putIfAbsent(key, Boolean.TRUE) != null) {
            throw new HeldException(true, lockFile);
        }
        try {
            final FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                channel.close();
                throw new HeldException(true, lockFile);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                throw new HeldException(false, lockFile);
            }
            return new DirectoryLock(key, channel, lock);
        } catch (HeldException | IOException | RuntimeException e) {
            HELD_IN_THIS_PROCESS.remove(key);
            throw e;
        }
    }

    /**
     * Whether the OS lock is still held (false once {@link #close()} released it).
     *
     * @return true while held
     */
    public boolean isValid() {
        return lock.isValid();
    }

    /**
     * Releases the OS lock, closes the lock file and forgets the directory in this JVM.
     *
     * @throws IOException if the lock or the lock file's channel cannot be released
     */
    @Override
    public void close() throws IOException {
        if (lock.isValid()) {
            lock.release();
        }
        channel.close();
        HELD_IN_THIS_PROCESS.remove(key, Boolean.TRUE);
    }

    /** The directory is already locked: by this JVM ({@link #inThisProcess()}) or by another process. */
    public static final class HeldException extends Exception {
        private static final long serialVersionUID = 1L;
        /** True if this JVM holds the lock, false if another process does. */
        private final boolean inThisProcess;
        /** The lock file asked for (not serialized: a path is not). */
        private final transient Path lockFile;

        HeldException(boolean inThisProcess, Path lockFile) {
            super((inThisProcess ? "locked in this process: " : "locked by another process: ") + "lock=" + lockFile,
                    null, false, false);
            this.inThisProcess = inThisProcess;
            this.lockFile = lockFile;
        }

        /**
         * Whether this JVM holds the lock (else another process does).
         *
         * @return true if held in this process
         */
        public boolean inThisProcess() {
            return inThisProcess;
        }

        /**
         * The lock file.
         *
         * @return the path asked for
         */
        public Path lockFile() {
            return lockFile;
        }
    }
}
