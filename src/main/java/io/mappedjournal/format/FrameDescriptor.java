package io.mappedjournal.format;

/**
 * Layout of one frame (one record) inside a segment's data area.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Commit word (int32): payload length + 1      |
 *  +---------------------------------------------------------------+
 *  |                  CRC32C (int32)                               |
 *  +---------------------------------------------------------------+
 *  |                  Sequence (int64)                             |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Payload (commit word - 1 bytes, may be 0)   ...
 * ...               padded with zeros to the next 8-byte boundary   |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p><b>Invariant:</b> a frame exists once its commit word is non-zero, and the commit word of
 * every frame is non-zero, an empty record's included (a data frame stores its payload length
 * plus one); the commit word is written last, with a release store, after the sequence, the
 * payload and the CRC.
 *
 * <ul>
 *   <li>{@code Commit > 0}: a data frame of {@code Commit - 1} payload bytes (0 for an empty
 *       record: commit word 1).</li>
 *   <li>{@code Commit == 0}: end of data (preallocated space is zero).</li>
 *   <li>{@code Commit == }{@link #SEAL_MARKER}: the segment is sealed; the journal continues in
 *       the next segment, whose first sequence follows the last frame's.</li>
 *   <li>{@code Commit < -1}: a skip frame, written only by recovery in skip-corrupted mode over
 *       damaged bytes: {@code -Commit} bytes (a multiple of 8, at least 8) to step over. The
 *       next int (where a data frame has its CRC) is the check word {@link #skipCheck}
 *       {@code (Commit)}, so damage that happens to leave a negative commit word is not
 *       mistaken for a skip frame. The frame after a skip frame may carry any later sequence.</li>
 * </ul>
 * The CRC32C covers the commit word as stored (4 bytes, little-endian), the sequence (8 bytes,
 * little-endian) and the payload, so a frame whose commit word survived a crash but whose
 * payload did not is detected. The writer computes it over the bytes in the segment, after they
 * were written there. Frames are 8-byte aligned so the commit word never straddles a page or a
 * sector. (Format version 1 stored the bare payload length, so an empty record's commit word was
 * 0 and read as end of data; version 2 is this layout.)
 */
public final class FrameDescriptor {
    static final int LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int SEQUENCE_OFFSET = 8;
    /** Bytes of the frame header before the payload: length, CRC32C and sequence. */
    public static final int HEADER_LENGTH = 16;
    /** Frames start and end on a multiple of this many bytes. */
    public static final int ALIGNMENT = 8;
    /** Commit word of the seal marker written after the last frame of a sealed segment. */
    public static final int SEAL_MARKER = -1;
    /** Largest payload a frame can describe (its commit word, payload + 1, is still a positive int). */
    public static final int MAX_PAYLOAD = Integer.MAX_VALUE - HEADER_LENGTH - ALIGNMENT;

    private FrameDescriptor() {
    }

    /**
     * Bytes a frame with this payload length occupies, header and padding included.
     *
     * @param payloadLength payload bytes
     * @return the frame length, a multiple of {@link #ALIGNMENT}
     */
    public static long frameLength(int payloadLength) {
        return align(HEADER_LENGTH + (long) payloadLength);
    }

    /**
     * The check word stored after a skip frame's length: CRC32C of the length's 4 little-endian bytes.
     *
     * @param commitWord the skip frame's (negative) length
     * @return the check word
     */
    public static int skipCheck(int commitWord) {
        final java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(new byte[]{(byte) commitWord, (byte) (commitWord >>> 8), (byte) (commitWord >>> 16),
                (byte) (commitWord >>> 24)});
        return (int) c.getValue();
    }

    /**
     * The commit word of a data frame with this payload length: never 0, so an empty record is
     * not end of data.
     *
     * @param payloadLength payload bytes, in [0, {@link #MAX_PAYLOAD}]
     * @return {@code payloadLength + 1}
     */
    public static int commitWord(int payloadLength) {
        return payloadLength + 1;
    }

    /**
     * The payload length of a data frame with this commit word.
     *
     * @param commitWord a positive commit word
     * @return {@code commitWord - 1}
     */
    public static int payloadLength(int commitWord) {
        return commitWord - 1;
    }

    /**
     * Rounds {@code length} up to a multiple of {@link #ALIGNMENT}.
     *
     * @param length bytes
     * @return the aligned length
     */
    public static long align(long length) {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /**
     * Offset of the commit word of the frame at {@code frameOffset}.
     *
     * @param frameOffset offset of the frame in its segment
     * @return offset of the commit word in the segment
     */
    public static long lengthOffset(long frameOffset) {
        return frameOffset + LENGTH_OFFSET;
    }

    /**
     * Offset of the CRC32C (a skip frame's check word) of the frame at {@code frameOffset}.
     *
     * @param frameOffset offset of the frame in its segment
     * @return offset of the CRC field in the segment
     */
    public static long crcOffset(long frameOffset) {
        return frameOffset + CRC_OFFSET;
    }

    /**
     * Offset of the sequence of the frame at {@code frameOffset}.
     *
     * @param frameOffset offset of the frame in its segment
     * @return offset of the sequence field in the segment
     */
    public static long sequenceOffset(long frameOffset) {
        return frameOffset + SEQUENCE_OFFSET;
    }

    /**
     * Offset of the payload of the frame at {@code frameOffset}.
     *
     * @param frameOffset offset of the frame in its segment
     * @return offset of the first payload byte in the segment
     */
    public static long payloadOffset(long frameOffset) {
        return frameOffset + HEADER_LENGTH;
    }
}
