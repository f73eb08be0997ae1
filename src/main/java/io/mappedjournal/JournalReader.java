package io.mappedjournal;

import io.mappedjournal.format.FrameDecoder;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Reads records in journal order, from any sequence, across segment boundaries, and tails the
 * journal as the master publishes: {@link #next()} returns {@code null} when nothing more is
 * there yet; call it again later. Works on a journal open in this process or in another one
 * (read-only mappings; no lock taken), or on a closed one.
 *
 * <p>Every frame's CRC is checked; a bad frame is never returned as data but reported with
 * {@link CorruptJournalException} naming the segment and offset. Not thread-safe: one reader per
 * thread.
 */
public final class JournalReader implements AutoCloseable {
    private final Path dir;
    private final LongSupplier limit;
    private final long fromSequence;
    private final FrameDecoder decoder = new FrameDecoder();
    private final JournalRecord record = new JournalRecord();
    private Segment segment;
    private long offset;
    /** Sequence of the next record to return: frames below it are stepped over. */
    private long nextSequence;
    /**
     * First sequence of the segment after the current one, as far as read: one past the last
     * frame seen in it (its first sequence before any). Not {@link #nextSequence}: a reader
     * opened beyond the end steps over frames below its start, and the segment after a seal is
     * named by the sealed segment's last frame, not by the sequence the reader waits for.
     */
    private long successor;
    private boolean closed;
    /** After a seal: the next segment must be exactly the one named {@link #successor}. */
    private boolean afterSeal;
    private long nextLengthCheck;
    private long lastEndCheckNanos = System.nanoTime() - 2_000_000L;

    private JournalReader(Path dir, long fromSequence, LongSupplier limit) {
        this.dir = dir;
        this.fromSequence = fromSequence;
        this.limit = limit;
    }

    /**
     * Opens a reader on the journal in {@code dir}, which may be open in this process, open in
     * another one, or closed. Takes no lock and maps segments read-only. The reader sees every
     * record written so far, live tail included (not only durable ones); use
     * {@link Journal#durableReader(long)} for durable records only.
     *
     * <p>Threading: any thread; the reader returned is not thread-safe (one thread at a time) and
     * must be closed.
     *
     * @param dir          the journal directory
     * @param fromSequence the first sequence to read (0 for the start; a sequence below the oldest
     *                     retained record starts at the oldest record)
     * @return a new reader
     * @throws JournalException         if the JVM lacks the Chronicle flags (the message names them)
     * @throws IllegalArgumentException if {@code fromSequence} is negative
     * @throws java.nio.file.NoSuchFileException if {@code dir} is not a directory
     * @throws IOException              if the directory cannot be read
     */
    public static JournalReader open(Path dir, long fromSequence) throws IOException {
        JvmFlags.check();
        return open(dir, fromSequence, null);
    }

    static JournalReader open(Path dir, long fromSequence, LongSupplier limit) throws IOException {
        if (fromSequence < 0) {
            throw new IllegalArgumentException("fromSequence must be >= 0: fromSequence=" + fromSequence);
        }
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "journal directory not found");
        }
        final JournalReader reader = new JournalReader(dir, fromSequence, limit);
        reader.nextSequence = fromSequence;
        return reader;
    }

    /**
     * The next record in journal order, or {@code null} if there is none (yet): call again later
     * to tail the journal. Crosses segment boundaries and steps over retention and
     * skip-corrupted gaps. Never blocks.
     *
     * <p>Threading: the reader's thread only. Durability: a record returned was written by the
     * master (its CRC checked) but need not be durable, unless the reader came from
     * {@link Journal#durableReader(long)}.
     *
     * @return the record (a flyweight, valid until the next call on this reader), or {@code null}
     * @throws CorruptJournalException if a frame fails its checks, or a segment file was truncated
     *                                 underneath the reader (the message names segment and offset)
     * @throws IllegalStateException   if the reader is closed
     * @throws IOException             if a segment cannot be opened or read
     */
    public JournalRecord next() throws IOException {
        if (closed) {
            throw new IllegalStateException("reader is closed: dir=" + dir);
        }
        try {
            return nextRecord();
        } catch (InternalError e) {
            // HotSpot's report of a SIGBUS: the mapped file shrank underneath this reader.
            if (segment == null) {
                throw e;
            }
            throw new CorruptJournalException(segment.accessFault(offset, e).getMessage(), e);
        }
    }

    private JournalRecord nextRecord() throws IOException {
        while (true) {
            if (segment == null && !openSegmentFor(afterSeal ? successor : nextSequence)) {
                return null;
            }
            if (limit != null && nextSequence >= limit.getAsLong()) {
                return null;
            }
            if (offset >= nextLengthCheck) {
                checkLength();
            }
            final int status = decoder.decode(segment.store(), offset, segment.length(), -1);
            switch (status) {
                case FrameDecoder.VALID: {
                    final long frameOffset = offset;
                    offset += decoder.frameLength();
                    final long sequence = decoder.sequence();
                    successor = sequence + 1;
                    if (sequence < nextSequence) {
                        continue; // before fromSequence, skipping forward in the first segment
                    }
                    if (limit != null && sequence >= limit.getAsLong()) {
                        offset = frameOffset;
                        return null;
                    }
                    nextSequence = sequence + 1;
                    record.set(sequence, decoder.payload(), decoder.length(), segment.path(), frameOffset);
                    return record;
                }
                case FrameDecoder.SKIP:
                    offset += decoder.frameLength();
                    continue;
                case FrameDecoder.END:
                    // At the end of data (at most once a millisecond): is the file still whole?
                    // A read past a truncated end faults; HotSpot reports that late, as an
                    // InternalError at this thread's next transition, which this check provokes
                    // here, inside next(), where it becomes a CorruptJournalException.
                    final long now = System.nanoTime();
                    if (now - lastEndCheckNanos > 1_000_000L) {
                        lastEndCheckNanos = now;
                        checkLength();
                    }
                    return null;
                case FrameDecoder.SEALED:
                case FrameDecoder.SEGMENT_END:
                    segment.close();
                    segment = null;
                    afterSeal = true;
                    if (!openSegmentFor(successor)) {
                        return null;
                    }
                    continue;
                default:
                    throw new CorruptJournalException("bad frame: segment=" + segment.path() + " offset=" + offset
                            + " reason=" + FrameDecoder.describe(status) + " expectedSequence=" + nextSequence);
            }
        }
    }

    /**
     * Maps the segment holding {@code sequence}: the one with the greatest first sequence not
     * above it (or the oldest, if retention removed older ones).
     */
    private boolean openSegmentFor(long sequence) throws IOException {
        if (afterSeal) {
            // The next segment is named by the sequence after the seal; it appears (header
            // written and synced) only once the roll that sealed this one has activated it.
            final Path next = SegmentFiles.segmentPath(dir, sequence);
            try {
                segment = Segment.open(next, true);
            } catch (java.nio.file.NoSuchFileException e) {
                // Not there: either the roll is still in progress (try again on the next call),
                // or skip-corrupted recovery left a gap of sequences and the journal continues
                // in a later segment.
                final long later = firstSegmentAfter(sequence);
                if (later < 0) {
                    return false;
                }
                // A later segment exists. Rolls activate segments in order, so if the one named
                // by this sequence was activated at all, it is visible by now: this reader may
                // have been descheduled while the writer rolled past it. Only a segment that is
                // still missing is a real gap.
                if (Files.exists(next)) {
                    return openSegmentFor(sequence);
                }
                afterSeal = false;
                nextSequence = Math.max(nextSequence, later);
                return openSegmentFor(later);
            } catch (CorruptJournalException e) {
                if (Files.exists(next)) {
                    throw e;
                }
                // Unlinked by retention between mapping and the identity check: continue at the
                // oldest retained record, as a reader below the low-water mark does.
                afterSeal = false;
                return openSegmentFor(sequence);
            }
            successor = segment.header().firstSequence;
            offset = SegmentHeaderDescriptor.DATA_OFFSET;
            nextLengthCheck = 0;
            afterSeal = false;
            return true;
        }
        for (int attempt = 0; ; attempt++) {
            final long[] firsts = SegmentFiles.listSegments(dir);
            if (firsts.length == 0) {
                return false;
            }
            long chosen = firsts[0];
            for (long f : firsts) {
                if (f <= sequence) {
                    chosen = f;
                }
            }
            final Path path = SegmentFiles.segmentPath(dir, chosen);
            if (segment != null && segment.path().equals(path)) {
                return true;
            }
            try {
                segment = Segment.open(path, true);
            } catch (java.nio.file.NoSuchFileException e) {
                if (attempt < 10) {
                    continue; // removed by retention between listing and opening: list again
                }
                return false;
            } catch (CorruptJournalException e) {
                if (attempt < 10 && !Files.exists(path)) {
                    continue; // unlinked by retention between mapping and the identity check: list again
                }
                throw e;
            }
            successor = segment.header().firstSequence;
            offset = SegmentHeaderDescriptor.DATA_OFFSET;
            nextLengthCheck = 0;
            if (chosen > nextSequence) {
                nextSequence = chosen;
            }
            return true;
        }
    }

    /**
     * Every MiB read: the file must still be as long as the mapping (a file truncated underneath
     * would make the next access fault). A deleted file is fine: the mapping keeps its pages.
     */
    private void checkLength() throws IOException {
        nextLengthCheck = offset + (1 << 20);
        final long actual;
        try {
            actual = Files.size(segment.path());
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        if (actual < segment.length()) {
            throw new CorruptJournalException("segment file truncated underneath the reader: path=" + segment.path()
                    + " expected length=" + segment.length() + " actual length=" + actual + " offset=" + offset);
        }
    }

    /** First sequence of the first segment file that starts after {@code sequence}, or -1. */
    private long firstSegmentAfter(long sequence) throws IOException {
        for (long f : SegmentFiles.listSegments(dir)) {
            if (f > sequence) {
                return f;
            }
        }
        return -1;
    }

    /**
     * The sequence of the next record this reader expects.
     *
     * <p>Threading: the reader's thread only.
     *
     * @return the next sequence
     */
    public long nextSequence() {
        return nextSequence;
    }

    /**
     * The sequence this reader started from.
     *
     * <p>Threading: any thread (immutable).
     *
     * @return the starting sequence
     */
    public long fromSequence() {
        return fromSequence;
    }

    /**
     * Unmaps the current segment. Idempotent; {@link #next()} then throws
     * {@link IllegalStateException}.
     *
     * <p>Threading: the reader's thread only.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (segment != null) {
                segment.close();
                segment = null;
            }
        }
    }
}
