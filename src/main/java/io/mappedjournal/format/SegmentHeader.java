package io.mappedjournal.format;

import net.openhft.chronicle.bytes.BytesStore;

import java.util.zip.CRC32C;

import static io.mappedjournal.format.SegmentHeaderDescriptor.*;

/**
 * The decoded header of a segment (layout in {@link SegmentHeaderDescriptor}), and its codec.
 */
public final class SegmentHeader {
    /** Index of the segment, in the order segments were created. */
    public final long segmentIndex;
    /** Sequence of the segment's first frame. */
    public final long firstSequence;
    /** Length of the segment file in bytes, header included. */
    public final long segmentLength;
    /** When the segment was activated, in epoch milliseconds. */
    public final long createdMillis;

    /**
     * Creates a header; nothing is validated until it is decoded.
     *
     * @param segmentIndex  index of the segment
     * @param firstSequence sequence of the segment's first frame
     * @param segmentLength length of the segment file in bytes
     * @param createdMillis activation time, epoch milliseconds
     */
    public SegmentHeader(long segmentIndex, long firstSequence, long segmentLength, long createdMillis) {
        this.segmentIndex = segmentIndex;
        this.firstSequence = firstSequence;
        this.segmentLength = segmentLength;
        this.createdMillis = createdMillis;
    }

    /**
     * Writes this header with its CRC at offset 0 of {@code store}.
     *
     * @param store the segment's bytes
     */
    public void write(BytesStore<?, ?> store) {
        final byte[] bytes = toBytes();
        store.write(0, bytes, 0, bytes.length);
    }

    /**
     * Encodes this header with its CRC.
     *
     * @return the {@link SegmentHeaderDescriptor#HEADER_LENGTH} header bytes
     */
    public byte[] toBytes() {
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(HEADER_LENGTH).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(MAGIC_OFFSET, MAGIC);
        b.putInt(VERSION_OFFSET, FORMAT_VERSION);
        b.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        b.putLong(SEGMENT_INDEX_OFFSET, segmentIndex);
        b.putLong(FIRST_SEQUENCE_OFFSET, firstSequence);
        b.putLong(SEGMENT_LENGTH_OFFSET, segmentLength);
        b.putLong(CREATED_MILLIS_OFFSET, createdMillis);
        final byte[] bytes = b.array();
        b.putInt(CRC_OFFSET, crc(bytes));
        return bytes;
    }

    static int crc(byte[] header) {
        final CRC32C crc = new CRC32C();
        crc.update(header, 0, CRC_OFFSET);
        return (int) crc.getValue();
    }

    /**
     * Reads and validates the header at offset 0.
     *
     * @return the header, never null
     * @throws IllegalArgumentException naming the first field that is wrong (caller adds the path)
     */
    static SegmentHeader read(BytesStore<?, ?> store, long available) {
        if (available < HEADER_LENGTH) {
            throw new IllegalArgumentException("file too short for a segment header: length=" + available
                    + " expected>=" + HEADER_LENGTH);
        }
        final byte[] bytes = new byte[HEADER_LENGTH];
        store.read(0, bytes, 0, HEADER_LENGTH);
        return decode(bytes);
    }

    /**
     * Decodes and validates a header.
     *
     * @param bytes the first {@link SegmentHeaderDescriptor#HEADER_LENGTH} bytes of a segment file
     * @return the header, never null
     * @throws IllegalArgumentException naming the first field that is wrong (caller adds the path)
     */
    public static SegmentHeader decode(byte[] bytes) {
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        final long magic = b.getLong(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new IllegalArgumentException("bad segment magic: expected=0x" + Long.toHexString(MAGIC)
                    + " actual=0x" + Long.toHexString(magic));
        }
        final int storedCrc = b.getInt(CRC_OFFSET);
        final int actualCrc = crc(bytes);
        if (storedCrc != actualCrc) {
            throw new IllegalArgumentException("segment header CRC mismatch: expected=0x" + Integer.toHexString(storedCrc)
                    + " actual=0x" + Integer.toHexString(actualCrc));
        }
        final int version = b.getInt(VERSION_OFFSET);
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported segment format version: expected=" + FORMAT_VERSION
                    + " actual=" + version + (version == 1 ? " (version 1 was written by an earlier build, whose frames"
                    + " cannot hold empty records; this build reads version 2 only)" : ""));
        }
        final int headerLength = b.getInt(HEADER_LENGTH_OFFSET);
        if (headerLength != HEADER_LENGTH) {
            throw new IllegalArgumentException("unexpected segment header length: expected=" + HEADER_LENGTH
                    + " actual=" + headerLength);
        }
        final long segmentLength = b.getLong(SEGMENT_LENGTH_OFFSET);
        if (segmentLength < HEADER_LENGTH || segmentLength > MAX_SEGMENT_LENGTH || (segmentLength & 7) != 0) {
            throw new IllegalArgumentException("implausible segment length in header: length=" + segmentLength
                    + " expected a multiple of 8 in [" + HEADER_LENGTH + ", " + MAX_SEGMENT_LENGTH + "]");
        }
        final long firstSequence = b.getLong(FIRST_SEQUENCE_OFFSET);
        final long segmentIndex = b.getLong(SEGMENT_INDEX_OFFSET);
        if (firstSequence < 0 || segmentIndex < 0) {
            throw new IllegalArgumentException("negative first sequence or index in header: firstSequence="
                    + firstSequence + " index=" + segmentIndex);
        }
        return new SegmentHeader(segmentIndex, firstSequence, segmentLength, b.getLong(CREATED_MILLIS_OFFSET));
    }

    @Override
    public String toString() {
        return "SegmentHeader{index=" + segmentIndex + ", firstSequence=" + firstSequence + ", length="
                + segmentLength + ", createdMillis=" + createdMillis + '}';
    }
}
