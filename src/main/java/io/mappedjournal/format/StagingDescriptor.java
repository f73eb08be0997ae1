package io.mappedjournal.format;

/**
 * Layout of a staging ring: a power-of-two data area of records followed by a trailer of
 * positions, each on its own cache line pair so producer and master never false-share.
 *
 * <pre>
 *  Ring:    [ data: capacity bytes ][ trailer: 2 x 128 bytes ]
 *  Trailer: +0   tail position (written only by the producer, volatile store)
 *           +128 head position (written only by the master, release store)
 *
 *  Record in the data area (8-byte aligned):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Payload length (int32)                        |
 *  +---------------------------------------------------------------+
 *  |                 Type (int32): 1 data, 2 padding               |
 *  +---------------------------------------------------------------+
 *  |                 Ticket (int64): global append order, written  |
 *  |                 at commit in total-order mode, else unused    |
 *  +---------------------------------------------------------------+
 *  |                 Payload ... padded to 8                      ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p><b>Invariant:</b> every byte between head and tail belongs to a complete record; the
 * producer makes a record visible only by advancing tail past it, with one release store.
 * <em>Position</em> is the 64-bit count of bytes ever written; <em>index</em> is
 * {@code position & (capacity - 1)}. A padding record fills the ring's end when a record
 * would otherwise wrap, so every payload is contiguous.
 */
public final class StagingDescriptor {
    /** Offset of a record's payload length (int32). */
    public static final int RECORD_LENGTH_OFFSET = 0;
    /** Offset of a record's type (int32): {@link #TYPE_DATA} or {@link #TYPE_PADDING}. */
    public static final int RECORD_TYPE_OFFSET = 4;
    /** Offset of a record's ticket (int64), written in total-order mode only. */
    public static final int RECORD_TICKET_OFFSET = 8;
    /** Bytes of a record header before its payload. */
    public static final int RECORD_HEADER_LENGTH = 16;
    /** Record type: a data record. */
    public static final int TYPE_DATA = 1;
    /** Record type: padding up to the data area's end; the next record starts at index 0. */
    public static final int TYPE_PADDING = 2;
    /** Records start and end on a multiple of this many bytes. */
    public static final int ALIGNMENT = 8;
    /** Bytes of a cache line pair: the distance between the trailer's positions. */
    public static final int CACHE_LINE_PAIR = 128;
    /** Offset of the tail position in the trailer. */
    public static final int TAIL_POSITION_OFFSET = 0;
    /** Offset of the head position in the trailer. */
    public static final int HEAD_POSITION_OFFSET = CACHE_LINE_PAIR;
    /** Length of the trailer in bytes. */
    public static final int TRAILER_LENGTH = CACHE_LINE_PAIR * 2;

    private StagingDescriptor() {
    }

    /**
     * Where a record's payload length (int32) lies.
     *
     * @param recordIndex index of the record's first byte in the data area
     * @return the index of its payload length field
     */
    public static int lengthOffset(int recordIndex) {
        return recordIndex + RECORD_LENGTH_OFFSET;
    }

    /**
     * Where a record's type (int32) lies.
     *
     * @param recordIndex index of the record's first byte in the data area
     * @return the index of its type field
     */
    public static int typeOffset(int recordIndex) {
        return recordIndex + RECORD_TYPE_OFFSET;
    }

    /**
     * Where a record's ticket (int64) lies.
     *
     * @param recordIndex index of the record's first byte in the data area
     * @return the index of its ticket field
     */
    public static int ticketOffset(int recordIndex) {
        return recordIndex + RECORD_TICKET_OFFSET;
    }

    /**
     * Where a record's payload starts.
     *
     * @param recordIndex index of the record's first byte in the data area
     * @return the index of its payload's first byte
     */
    public static int payloadOffset(int recordIndex) {
        return recordIndex + RECORD_HEADER_LENGTH;
    }

    /**
     * Bytes a record with this payload length occupies in the data area, header and padding included.
     *
     * @param payloadLength payload bytes
     * @return the record length, a multiple of {@link #ALIGNMENT}
     */
    public static int recordLength(int payloadLength) {
        return (RECORD_HEADER_LENGTH + payloadLength + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
