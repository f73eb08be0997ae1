package io.mappedjournal.format;

/**
 * Layout of the 64-byte header at the start of every segment file.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Magic "MJSEGMNT" (8 bytes)                    |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Format version (int32)                        |
 *  +---------------------------------------------------------------+
 *  |                 Header length (int32) = 64                    |
 *  +---------------------------------------------------------------+
 *  |                 Segment index (int64)                         |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 First sequence (int64)                        |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Segment length in bytes (int64)               |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Created, epoch millis (int64)                 |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Reserved, zero (8 bytes)                      |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Reserved, zero (int32)                        |
 *  +---------------------------------------------------------------+
 *  |                 CRC32C of bytes 0..59 (int32)                 |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p><b>Invariant:</b> a segment is part of the journal only once its header is written with a
 * valid CRC and synced, which happens before its file gets its final name.
 */
public final class SegmentHeaderDescriptor {
    /** "MJSEGMNT" in ASCII, read as a little-endian long. */
    static final long MAGIC = 0x544E4D474553_4A4DL;
    /**
     * Version 2: a data frame's commit word is its payload length + 1 (empty records). Version 1
     * segments (commit word = payload length) are refused with a message naming both versions.
     */
    static final int FORMAT_VERSION = 2;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int HEADER_LENGTH_OFFSET = 12;
    static final int SEGMENT_INDEX_OFFSET = 16;
    static final int FIRST_SEQUENCE_OFFSET = 24;
    static final int SEGMENT_LENGTH_OFFSET = 32;
    static final int CREATED_MILLIS_OFFSET = 40;
    static final int CRC_OFFSET = 60;
    /** Length of the segment header in bytes. */
    public static final int HEADER_LENGTH = 64;
    /** Largest segment length a header may carry (1 TiB): anything above is treated as damage. */
    static final long MAX_SEGMENT_LENGTH = 1L << 40;
    /** Offset of the first frame. */
    public static final int DATA_OFFSET = HEADER_LENGTH;

    private SegmentHeaderDescriptor() {
    }
}
