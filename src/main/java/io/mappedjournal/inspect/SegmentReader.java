package io.mappedjournal.inspect;

import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.recovery.RecoveryScan;
import io.mappedjournal.segment.Segment;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One segment file mapped read-only, with its header checked. Its frames are read through
 * {@link #cursor()}s. Confined to one thread; close it to unmap.
 */
public final class SegmentReader implements AutoCloseable {
    private final Segment segment;
    private final SegmentHeaderInfo header;

    private SegmentReader(Segment segment) {
        this.segment = segment;
        final SegmentHeader h = segment.header();
        this.header = new SegmentHeaderInfo(h.segmentIndex, h.firstSequence, h.segmentLength);
    }

    /**
     * Maps {@code path} read-only.
     *
     * @param path a segment file
     * @return the reader
     * @throws io.mappedjournal.CorruptJournalException if its header is unreadable or does not fit the file
     * @throws IOException if it cannot be read
     */
    public static SegmentReader open(Path path) throws IOException {
        return new SegmentReader(Segment.open(path, true));
    }

    /**
     * The segment's header.
     *
     * @return the header
     */
    public SegmentHeaderInfo header() {
        return header;
    }

    /**
     * Bytes mapped: the file's length.
     *
     * @return the length
     */
    public long length() {
        return segment.length();
    }

    /**
     * A new cursor over this segment's frames.
     *
     * @return the cursor
     */
    public FrameCursor cursor() {
        return new FrameCursor(segment.store(), segment.length());
    }

    /**
     * Offset just past the last non-zero byte in {@code [from, length())}, rounded up to 8;
     * {@code from} if all zero: recovery's definition of where stray bytes end.
     *
     * @param from start of the range
     * @return that offset, or {@code from}
     */
    public long lastNonZero(long from) {
        return RecoveryScan.lastNonZero(segment.store(), from, segment.length());
    }

    /** Unmaps the segment. */
    @Override
    public void close() {
        segment.close();
    }
}
