package io.mappedjournal.segment;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.JournalException;
import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;
import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * One segment file, mapped whole. A writer's segment is created by {@link #prepare} (file
 * created, fully allocated with {@code fallocate} so a full disk shows up here and never as a
 * SIGBUS later, then mapped) and made part of the journal by {@link #activate}. Readers and
 * recovery open existing segments with {@link #open}.
 *
 * <p>Not thread-safe: the master owns a writer's segments; each reader owns its own mappings.
 * The mapping stays valid until {@link #close()}; Chronicle's reservation is held for the whole
 * life of the object (a chunk is unmapped as soon as its last reservation is released).
 */
public final class Segment implements AutoCloseable {
    private static final int O_RDWR = 2; // Linux value; Chronicle's OpenFlag enum carries BSD values
    private static final int MADV_POPULATE_WRITE = 23; // Linux 5.14+; not in Chronicle's MAdviseFlag

    private final ReferenceOwner owner = ReferenceOwner.temporary("segment");
    private Path path;
    private final long length;
    private final MappedFile mappedFile;
    private final MappedBytesStore store;
    private SegmentHeader header;
    private boolean closed;

    private Segment(Path path, long length, boolean readOnly) throws IOException {
        this.path = path;
        this.length = length;
        this.mappedFile = MappedFile.of(path.toFile(), length, 0, readOnly);
        try {
            this.store = mappedFile.acquireByteStore(owner, 0);
        } catch (IOException | RuntimeException e) {
            mappedFile.releaseLast();
            throw e;
        }
    }

    /**
     * Creates {@code <index>.prealloc}, allocates all of its blocks and maps it. Runs on the
     * preallocating thread, ahead of need.
     *
     * @throws IOException naming the path and errno when the file cannot be allocated (ENOSPC)
     */
    public static Segment prepare(Path dir, long segmentIndex, long length, PosixAPI posix) throws IOException {
        final Path path = SegmentFiles.preallocPath(dir, segmentIndex);
        Files.deleteIfExists(path);
        try (RandomAccessFile ignored = new RandomAccessFile(path.toFile(), "rw")) {
            // created empty; allocated below
        }
        final int fd = posix.open(path.toString(), O_RDWR, 0);
        if (fd < 0) {
            final int errno = posix.lastError();
            Files.deleteIfExists(path);
            throw new IOException("cannot open segment for preallocation: path=" + path + " errno=" + errno
                    + " (" + posix.strerror(errno) + ")");
        }
        try {
            final int rc = posix.fallocate(fd, 0, 0, length);
            if (rc != 0) {
                final int errno = rc > 0 ? rc : posix.lastError();
                throw new IOException("cannot preallocate segment: path=" + path + " length=" + length + " errno="
                        + errno + " (" + posix.strerror(errno) + ")");
            }
        } catch (IOException e) {
            posix.close(fd);
            Files.deleteIfExists(path);
            throw e;
        }
        posix.close(fd);
        final long actual = Files.size(path);
        if (actual != length) {
            Files.deleteIfExists(path);
            throw new IOException("preallocation left a file of the wrong size: path=" + path + " expected=" + length
                    + " actual=" + actual);
        }
        return new Segment(path, length, false);
    }

    /**
     * Faults the whole mapping in, writable, ahead of the master (a first-touch page fault makes
     * a store into a mapped file ~10x slower than a store to a resident page). Uses
     * {@code madvise(MADV_POPULATE_WRITE)} (Linux 5.14+), else writes a zero into every page;
     * either way the (already zero, already allocated) contents are unchanged.
     */
    public void prefault(PosixAPI posix) {
        final int rc = posix.madvise(addressOf(0), length, MADV_POPULATE_WRITE);
        if (rc != 0) {
            for (long offset = 0; offset < length; offset += MsyncSyncer.PAGE_SIZE) {
                store.writeByte(offset, (byte) 0);
            }
        }
    }

    /**
     * Makes a prepared segment the journal's next one: writes and syncs its header, renames it to
     * its final name (which carries {@code firstSequence}) and syncs the directory.
     */
    public void activate(SegmentHeader newHeader, FileSyncer syncer) throws IOException {
        newHeader.write(store);
        syncer.sync(this, 0, SegmentHeaderDescriptor.HEADER_LENGTH);
        final Path dir = path.getParent();
        final Path target = SegmentFiles.segmentPath(dir, newHeader.firstSequence);
        if (Files.exists(target)) {
            throw new IOException("segment already exists: path=" + target);
        }
        Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
        SegmentFiles.fsyncDirectory(dir);
        this.path = target;
        this.header = newHeader;
    }

    /**
     * Maps an existing segment and validates its header.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws CorruptJournalException naming the path when the header is invalid
     */
    public static Segment open(Path path, boolean readOnly) throws IOException {
        final long fileLength = Files.size(path); // NoSuchFileException: the caller decides what a missing file means
        if (fileLength < SegmentHeaderDescriptor.HEADER_LENGTH) {
            throw new CorruptJournalException("segment file too short for its header: path=" + path + " length="
                    + fileLength + " expected>=" + SegmentHeaderDescriptor.HEADER_LENGTH);
        }
        final Segment segment = new Segment(path, fileLength, readOnly);
        try {
            segment.header = SegmentHeader.read(segment.store, fileLength);
        } catch (IllegalArgumentException e) {
            segment.close();
            throw new CorruptJournalException("invalid segment header: path=" + path + ": " + e.getMessage(), e);
        }
        if (segment.header.segmentLength != fileLength) {
            segment.close();
            throw new CorruptJournalException("segment file length differs from its header: path=" + path
                    + " expected=" + segment.header.segmentLength + " actual=" + fileLength);
        }
        return segment;
    }

    public Path path() {
        return path;
    }

    public long length() {
        return length;
    }

    public SegmentHeader header() {
        if (header == null) {
            throw new JournalException("segment not active yet: path=" + path);
        }
        return header;
    }

    public long firstSequence() {
        return header().firstSequence;
    }

    public MappedBytesStore store() {
        return store;
    }

    /** Native address of {@code offset} in the mapping (for msync). */
    public long addressOf(long offset) {
        return store.addressForRead(offset);
    }

    /** Unmaps the file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        store.release(owner);
        mappedFile.releaseLast();
    }

    /** Deletes a prepared segment that never became active. */
    public void discard() throws IOException {
        close();
        Files.deleteIfExists(path);
    }

    @Override
    public String toString() {
        return "Segment{" + path + "}";
    }
}
