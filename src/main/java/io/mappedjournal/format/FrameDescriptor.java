package io.mappedjournal.format;

/**
 * Layout of one frame (one record) inside a segment's data area.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Length (int32, the commit word)              |
 *  +---------------------------------------------------------------+
 *  |                  CRC32C (int32)                               |
 *  +---------------------------------------------------------------+
 *  |                  Sequence (int64)                             |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Payload (Length bytes)                      ...
 * ...               padded with zeros to the next 8-byte boundary   |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p><b>Invariant:</b> a frame exists once its commit word is non-zero; the commit word is
 * written last, with a release store, after the CRC, sequence and payload.
 *
 * <ul>
 *   <li>{@code Length > 0}: a data frame of that many payload bytes.</li>
 *   <li>{@code Length == 0}: end of data (preallocated space is zero).</li>
 *   <li>{@code Length == }{@link #SEAL_MARKER}: the segment is sealed; the journal continues in
 *       the next segment, whose first sequence follows the last frame's.</li>
 *   <li>{@code Length < -1}: a skip frame, written only by recovery in skip-corrupted mode over
 *       damaged bytes: {@code -Length} bytes (a multiple of 8, at least 8) to step over. The
 *       next int (where a data frame has its CRC) is the check word {@link #skipCheck}
 *       {@code (Length)}, so damage that happens to leave a negative length is not mistaken
 *       for a skip frame. The frame after a skip frame may carry any later sequence.</li>
 * </ul>
 * The CRC32C covers the length (4 bytes, little-endian), the sequence (8 bytes, little-endian)
 * and the payload, so a frame whose length survived a crash but whose payload did not is
 * detected. Frames are 8-byte aligned so the commit word never straddles a page or a sector.
 */
public final class FrameDescriptor {
    static final int LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int SEQUENCE_OFFSET = 8;
    public static final int HEADER_LENGTH = 16;
    public static final int ALIGNMENT = 8;
    /** Commit word of the seal marker written after the last frame of a sealed segment. */
    public static final int SEAL_MARKER = -1;
    /** Largest payload a frame can describe. */
    static final int MAX_PAYLOAD = Integer.MAX_VALUE - HEADER_LENGTH - ALIGNMENT;

    private FrameDescriptor() {
    }

    /** Bytes a frame with this payload length occupies, header and padding included. */
    public static long frameLength(int payloadLength) {
        return align(HEADER_LENGTH + (long) payloadLength);
    }

    /** The check word stored after a skip frame's length: CRC32C of the length's 4 little-endian bytes. */
    public static int skipCheck(int commitWord) {
        final java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(new byte[]{(byte) commitWord, (byte) (commitWord >>> 8), (byte) (commitWord >>> 16),
                (byte) (commitWord >>> 24)});
        return (int) c.getValue();
    }

    public static long align(long length) {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    public static long lengthOffset(long frameOffset) {
        return frameOffset + LENGTH_OFFSET;
    }

    public static long crcOffset(long frameOffset) {
        return frameOffset + CRC_OFFSET;
    }

    public static long sequenceOffset(long frameOffset) {
        return frameOffset + SEQUENCE_OFFSET;
    }

    public static long payloadOffset(long frameOffset) {
        return frameOffset + HEADER_LENGTH;
    }
}
