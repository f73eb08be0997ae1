package io.mappedjournal.segment;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.JournalException;
import io.mappedjournal.fileio.DurableFiles;
import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.core.io.ReferenceOwner;
import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

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
    private static final int MADV_POPULATE_WRITE = 23; // Linux 5.14+; not in Chronicle's MAdviseFlag
    /** Bytes populated per {@code madvise} call: also the longest a close waits for a prefault. */
    static final long PREFAULT_CHUNK = 2 << 20;

    private final ReferenceOwner owner = ReferenceOwner.temporary("segment");
    private Path path;
    private final long length;
    private final MappedFile mappedFile;
    private final MappedBytesStore store;
    private SegmentHeader header;
    /** Set once, under this segment's monitor (see {@link #prefault}). */
    private boolean closed;
    /** Inode of the file mapped (see {@link #checkIdentity()}); -1 if unknown. */
    private long inode = -1;

    private Segment(Path path, long length, boolean readOnly) throws IOException {
        this.path = path;
        this.length = length;
        this.inode = inodeOf(path);
        try {
            this.mappedFile = MappedFile.of(path.toFile(), length, 0, readOnly);
        } catch (java.io.FileNotFoundException e) {
            if (Files.notExists(path)) {
                // Deleted (e.g. by retention) between the inode check above and the open: report
                // it the way every other missing-file path here does, so callers handle one type.
                final NoSuchFileException gone = new NoSuchFileException(path.toString());
                gone.initCause(e);
                throw gone;
            }
            throw e;
        }
        try {
            this.store = mappedFile.acquireByteStore(owner, 0);
        } catch (IOException | RuntimeException e) {
            mappedFile.releaseLast();
            throw e;
        }
    }

    private static long inodeOf(Path path) throws IOException {
        try {
            final Object ino = Files.getAttribute(path, "unix:ino");
            return ino instanceof Number ? ((Number) ino).longValue() : -1;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    /**
     * Checks that the file under this segment's name is still the one mapped, at its full length:
     * a segment deleted, truncated or replaced underneath the journal (by a person or a tool) is
     * reported here, naming it, instead of letting the journal write into an unlinked inode (data
     * lost on close) or into pages past the end of the file (SIGBUS).
     *
     * @throws SegmentChangedException naming the path and what differs
     */
    void checkIdentity() throws SegmentChangedException {
        final long actualInode;
        final long actualLength;
        try {
            actualInode = inodeOf(path);
            actualLength = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new SegmentChangedException("segment file deleted underneath the journal: path=" + path, e);
        } catch (IOException e) {
            throw new SegmentChangedException("segment file cannot be checked: path=" + path + ": " + e, e);
        }
        if (inode != -1 && actualInode != -1 && actualInode != inode) {
            throw new SegmentChangedException("segment file replaced underneath the journal: path=" + path
                    + " expected inode=" + inode + " actual inode=" + actualInode);
        }
        if (actualLength < length) {
            throw new SegmentChangedException("segment file truncated underneath the journal: path=" + path
                    + " expected length=" + length + " actual length=" + actualLength);
        }
    }

    /**
     * The exception to report when an access to this segment's mapping faulted (HotSpot turns a
     * SIGBUS in an Unsafe access into {@link InternalError}): names the file and, when it can be
     * seen, that it was truncated, deleted or replaced.
     *
     * @param offset offset of the access that faulted
     * @param fault  the error the access raised
     * @return the exception to throw (it is not thrown here)
     */
    public SegmentChangedException accessFault(long offset, Throwable fault) {
        try {
            checkIdentity();
        } catch (SegmentChangedException e) {
            final SegmentChangedException x = new SegmentChangedException(e.getMessage() + " (memory access at offset "
                    + offset + " faulted: " + fault + ")", fault);
            return x;
        }
        return new SegmentChangedException("memory access to segment faulted: path=" + path + " offset=" + offset
                + " length=" + length + ": " + fault, fault);
    }

    /**
     * Creates {@code <index>.prealloc}, allocates all of its blocks and maps it. Runs on the
     * preallocating thread, ahead of need (and at open, on the opening thread, when the journal
     * has no active segment to continue).
     *
     * @param dir          the journal directory
     * @param segmentIndex index of the new segment
     * @param length       the segment length in bytes
     * @param posix        the binding for {@code open} and {@code fallocate}
     * @return the mapped segment, not yet active
     * @throws IOException naming the path and errno when the file cannot be allocated (ENOSPC)
     */
    public static Segment prepare(Path dir, long segmentIndex, long length, PosixAPI posix) throws IOException {
        final Path path = SegmentFiles.preallocPath(dir, segmentIndex);
        Files.deleteIfExists(path);
        try (RandomAccessFile ignored = new RandomAccessFile(path.toFile(), "rw")) {
            // created empty; allocated below
        }
        try {
            DurableFiles.fileOps().allocate(path, length, posix);
        } catch (IOException e) {
            Files.deleteIfExists(path);
            throw e;
        }
        return new Segment(path, length, false);
    }

    /**
     * Faults {@code [from, to)} of the mapping in, writable, ahead of the master (a first-touch
     * page fault makes a store into a mapped file ~10x slower than a store to a resident page),
     * with {@code madvise(MADV_POPULATE_WRITE)} (Linux 5.14+), {@link #PREFAULT_CHUNK} bytes at a
     * time. Contents are unchanged, so this may run on the preallocator thread while the master
     * writes the same pages. Each chunk is populated under this segment's monitor, and stops
     * once the segment is closed: a close never unmaps under a running {@code madvise}.
     *
     * @param posix the binding for {@code madvise}
     * @param from  start of the range
     * @param to    end of the range (exclusive)
     * @return false if the kernel refused (no MADV_POPULATE_WRITE): nothing was prefaulted then
     */
    public boolean prefault(PosixAPI posix, long from, long to) {
        for (long offset = from; offset < to; offset += PREFAULT_CHUNK) {
            synchronized (this) {
                if (closed) {
                    return true;
                }
                final int rc = posix.madvise(addressOf(offset), Math.min(PREFAULT_CHUNK, to - offset),
                        MADV_POPULATE_WRITE);
                if (rc != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The prefault for kernels without MADV_POPULATE_WRITE: touches every page with a write that
     * changes nothing, an atomic compare-and-set of the page's first int from 0 to 0 (a locked
     * instruction, so it needs the page writable: it takes the write fault; where the int is not 0
     * it fails and stores nothing). The preallocator runs it before handing the segment over, but
     * it does not depend on that: a store of the master's into the same page, before, during or
     * after it, is kept (jcstress {@code PrefaultByWritingVsWriteTest}; a plain store of zero here
     * zeroed the master's bytes in about a third of that test's samples). Public for that test.
     *
     * @return how many pages already held a non-zero first int (left as they were)
     */
    public int prefaultByWriting() {
        int alreadyWritten = 0;
        for (long offset = 0; offset < length; offset += MsyncSyncer.PAGE_SIZE) {
            if (!store.compareAndSwapInt(offset, 0, 0)) {
                alreadyWritten++;
            }
        }
        return alreadyWritten;
    }

    /**
     * Makes a prepared segment the journal's next one: writes and syncs its header, renames it to
     * its final name (which carries {@code firstSequence}) and syncs the directory. The master at
     * a roll, or the opening thread at open.
     *
     * @param newHeader the segment's header
     * @param syncer    syncs the header
     * @throws IOException if the header sync, the rename or the directory sync fails, or a segment
     *                     of that name already exists
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
        this.inode = inodeOf(target);
    }

    /** Test seam, see {@link #afterMapForTest(java.util.function.Consumer)}. Volatile: set by a test, read by any opener. */
    private static volatile java.util.function.Consumer<Path> afterMapForTest;

    /**
     * Test seam: runs {@code hook} with the path inside {@link #open}, after the file is mapped and
     * before its identity check (where a file unlinked by retention in between is noticed). Pass
     * null to remove it. Not for production use.
     *
     * @param hook what to run, or null
     */
    public static void afterMapForTest(java.util.function.Consumer<Path> hook) {
        afterMapForTest = hook;
    }

    /**
     * Maps an existing segment and validates its header.
     *
     * @param path     the segment file
     * @param readOnly true to map it read-only
     * @return the mapped segment
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws CorruptJournalException naming the path when the header is invalid
     * @throws IOException if the file cannot be read or mapped
     */
    public static Segment open(Path path, boolean readOnly) throws IOException {
        final long fileLength = Files.size(path); // NoSuchFileException: the caller decides what a missing file means
        if (fileLength < SegmentHeaderDescriptor.HEADER_LENGTH) {
            throw new CorruptJournalException("segment file too short for its header: path=" + path + " length="
                    + fileLength + " expected>=" + SegmentHeaderDescriptor.HEADER_LENGTH);
        }
        final SegmentHeader header = readHeader(path);
        if (header.segmentLength != fileLength) {
            throw new CorruptJournalException("segment file length differs from its header: path=" + path
                    + " expected=" + header.segmentLength + " actual=" + fileLength);
        }
        final Segment segment = new Segment(path, fileLength, readOnly); // NoSuchFileException as above
        segment.header = header;
        final java.util.function.Consumer<Path> hook = afterMapForTest;
        if (hook != null) {
            hook.accept(path);
        }
        // The length was checked before mapping; check again now that it is mapped, so a file
        // truncated in between is reported here rather than as a fault on first access.
        try {
            segment.checkIdentity();
        } catch (SegmentChangedException e) {
            segment.close();
            throw new CorruptJournalException(e.getMessage(), e);
        }
        return segment;
    }

    /**
     * Reads and validates the header of the segment file at {@code path} with a plain read (no
     * mapping), so a short or damaged file can never fault.
     *
     * @param path the segment file
     * @return the header
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws CorruptJournalException naming the path and the field that is wrong
     * @throws IOException if the file cannot be read
     */
    public static SegmentHeader readHeader(Path path) throws IOException {
        final byte[] bytes = new byte[SegmentHeaderDescriptor.HEADER_LENGTH];
        if (Files.isDirectory(path)) {
            throw new CorruptJournalException("segment file is a directory: path=" + path);
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                if (ch.read(b, b.position()) < 0) {
                    throw new CorruptJournalException("segment file too short for its header: path=" + path
                            + " length=" + ch.size() + " expected>=" + SegmentHeaderDescriptor.HEADER_LENGTH);
                }
            }
        }
        try {
            return SegmentHeader.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new CorruptJournalException("invalid segment header: path=" + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Maps the first {@code length} bytes of a segment file read-only, for a recovery scan of a
     * file that may be shorter than its header says; the caller has read {@code header}.
     *
     * @param path   the segment file
     * @param length bytes to map
     * @param header the header the caller read
     * @return the mapped prefix
     * @throws IOException if the file cannot be mapped ({@link java.nio.file.NoSuchFileException} if it is gone)
     */
    public static Segment openPrefix(Path path, long length, SegmentHeader header) throws IOException {
        final Segment segment = new Segment(path, length, true);
        segment.header = header;
        return segment;
    }

    /**
     * The file's current path: its final name once activated, its {@code .prealloc} name before.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    /**
     * Bytes mapped: the file's length, or the prefix mapped by {@link #openPrefix}.
     *
     * @return the mapped length
     */
    public long length() {
        return length;
    }

    /**
     * The segment's header.
     *
     * @return the header
     * @throws JournalException if the segment was prepared but not activated yet
     */
    public SegmentHeader header() {
        if (header == null) {
            throw new JournalException("segment not active yet: path=" + path);
        }
        return header;
    }

    long firstSequence() {
        return header().firstSequence;
    }

    /**
     * The mapping's bytes, valid until {@link #close()}.
     *
     * @return the store, addressed by file offset
     */
    public MappedBytesStore store() {
        return store;
    }

    /** Native address of {@code offset} in the mapping (for msync). */
    long addressOf(long offset) {
        return store.addressForRead(offset);
    }

    /**
     * The end of a sealed segment's life: unmaps it, then {@code fdatasync}s the file through the
     * descriptor opened with the mapping (so a write-back error since then is reported here), and
     * closes it. Unmapping first matters: writing back pages that are still mapped writable makes
     * the kernel write-protect every page and flush the TLBs of every core running this process
     * (an inter-processor interrupt per batch of pages), which cost the master's core more than
     * the write-back itself. Called once, on the sealer thread, after the master stopped writing.
     *
     * @throws IOException naming the path when the sync failed (the segment is closed either way)
     */
    void closeAndSync() throws IOException {
        synchronized (this) { // waits for a prefault chunk in progress
            if (closed) {
                throw new IllegalStateException("segment already closed: " + path);
            }
            closed = true;
        }
        try {
            store.release(owner);
            // The unmap runs on Chronicle's releaser thread: wait for it, or the sync below would
            // still find the pages mapped.
            BackgroundResourceReleaser.releasePendingResources();
            mappedFile.raf().getChannel().force(false);
        } catch (IOException e) {
            throw new IOException("fdatasync of sealed segment failed: path=" + path + ": " + e.getMessage(), e);
        } finally {
            mappedFile.releaseLast();
        }
    }

    /** Unmaps the file. Idempotent. */
    @Override
    public void close() {
        synchronized (this) { // waits for a prefault chunk in progress
            if (closed) {
                return;
            }
            closed = true;
        }
        store.release(owner);
        mappedFile.releaseLast();
    }

    /** Deletes a prepared segment that never became active. */
    void discard() throws IOException {
        close();
        Files.deleteIfExists(path);
    }

    @Override
    public String toString() {
        return "Segment{" + path + "}";
    }
}
