package io.mappedjournal;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One record as a {@link JournalReader} returns it. A flyweight: the reader reuses it, so its
 * contents are valid until the reader's next call. Copy what must outlive that.
 */
public final class JournalRecord {
    private long sequence;
    private byte[] payload;
    private int length;
    private Path segment;
    private long offset;

    void set(long sequence, byte[] payload, int length, Path segment, long offset) {
        this.sequence = sequence;
        this.payload = payload;
        this.length = length;
        this.segment = segment;
        this.offset = offset;
    }

    /** Position of the record in the journal: 0, 1, 2, ... in journal order. */
    public long sequence() {
        return sequence;
    }

    /** Payload length in bytes. */
    public int length() {
        return length;
    }

    /** A copy of the payload. */
    public byte[] payload() {
        return Arrays.copyOf(payload, length);
    }

    /** Copies the payload into {@code dst} at {@code dstOffset}. */
    public void copyTo(byte[] dst, int dstOffset) {
        System.arraycopy(payload, 0, dst, dstOffset, length);
    }

    /** Payload byte {@code i}. */
    public byte byteAt(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("index=" + i + " length=" + length);
        }
        return payload[i];
    }

    /** The segment file the record is in. */
    public Path segment() {
        return segment;
    }

    /** Byte offset of the record's frame in its segment. */
    public long offset() {
        return offset;
    }

    @Override
    public String toString() {
        return "JournalRecord{sequence=" + sequence + ", length=" + length + ", segment=" + segment.getFileName()
                + ", offset=" + offset + '}';
    }
}
