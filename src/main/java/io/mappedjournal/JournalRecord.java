package io.mappedjournal;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One record as a {@link JournalReader} returns it. A flyweight: the reader reuses it, so its
 * contents are valid until the reader's next call. Copy what must outlive that.
 *
 * <p>Threading: not thread-safe; read it on the reader's thread.
 */
public final class JournalRecord {
    private long sequence;
    private byte[] payload;
    private int length;
    private Path segment;
    private long offset;

    JournalRecord() {
    }

    void set(long sequence, byte[] payload, int length, Path segment, long offset) {
        this.sequence = sequence;
        this.payload = payload;
        this.length = length;
        this.segment = segment;
        this.offset = offset;
    }

    /**
     * The record's position in the journal: 0, 1, 2, ... in journal order.
     *
     * <p>Threading: the reader's thread only (the record is reused by the reader's next call).
     *
     * @return the sequence
     */
    public long sequence() {
        return sequence;
    }

    /**
     * The payload length in bytes.
     *
     * <p>Threading: the reader's thread only (the record is reused by the reader's next call).
     *
     * @return the length
     */
    public int length() {
        return length;
    }

    /**
     * A copy of the payload (allocates; see {@link #copyTo} and {@link #byteAt} for allocation-free
     * access).
     *
     * <p>Threading: the reader's thread only (the record is reused by the reader's next call).
     *
     * @return a new array holding the payload
     */
    public byte[] payload() {
        return Arrays.copyOf(payload, length);
    }

    /**
     * Copies the payload into {@code dst} at {@code dstOffset}.
     *
     * <p>Threading: the reader's thread only (the record is reused by the reader's next call).
     *
     * @param dst       the destination array
     * @param dstOffset where the payload starts in {@code dst}
     * @throws NullPointerException      if {@code dst} is null
     * @throws IndexOutOfBoundsException if {@code length()} bytes do not fit in {@code dst} from {@code dstOffset}
     */
    public void copyTo(byte[] dst, int dstOffset) {
        System.arraycopy(payload, 0, dst, dstOffset, length);
    }

    /**
     * Payload byte {@code i}.
     *
     * <p>Threading: the reader's thread only (the record is reused by the reader's next call).
     *
     * @param i the index, in [0, {@link #length()})
     * @return the byte
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public byte byteAt(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("index=" + i + " length=" + length);
        }
        return payload[i];
    }

    /**
     * The segment file the record is in.
     *
     * <p>Threading: the reader's thread only (the record is reused by the reader's next call).
     *
     * @return the segment's path
     */
    public Path segment() {
        return segment;
    }

    /**
     * The byte offset of the record's frame in its segment (see docs/FORMAT.md).
     *
     * <p>Threading: the reader's thread only (the record is reused by the reader's next call).
     *
     * @return the offset
     */
    public long offset() {
        return offset;
    }

    @Override
    public String toString() {
        return "JournalRecord{sequence=" + sequence + ", length=" + length + ", segment=" + segment.getFileName()
                + ", offset=" + offset + '}';
    }
}
