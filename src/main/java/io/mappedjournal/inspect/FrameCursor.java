package io.mappedjournal.inspect;

import io.mappedjournal.format.FrameDecoder;
import net.openhft.chronicle.bytes.BytesStore;

/**
 * Decodes the frames of one {@link SegmentReader} with the decoder recovery and the reader use,
 * one at a time: {@link #decode} a frame at an offset, then read its fields. Confined to one
 * thread; valid until its reader is closed.
 */
public final class FrameCursor {
    private final FrameDecoder decoder = new FrameDecoder();
    private final BytesStore<?, ?> store;
    private final long limit;

    FrameCursor(BytesStore<?, ?> store, long limit) {
        this.store = store;
        this.limit = limit;
    }

    /**
     * Decodes the frame at {@code offset}.
     *
     * @param offset           a frame boundary
     * @param expectedSequence the sequence the frame must carry, or -1 for any
     * @return what is there; for {@link FrameStatus#VALID}, {@link FrameStatus#BAD_CRC},
     *         {@link FrameStatus#BAD_SEQUENCE} and {@link FrameStatus#SKIP} the fields below describe it
     */
    public FrameStatus decode(long offset, long expectedSequence) {
        return FrameStatus.of(decoder.decode(store, offset, limit, expectedSequence));
    }

    /**
     * The decoded frame's payload length.
     *
     * @return the length in bytes
     */
    public int length() {
        return decoder.length();
    }

    /**
     * The decoded frame's sequence.
     *
     * @return the sequence as stored
     */
    public long sequence() {
        return decoder.sequence();
    }

    /**
     * The decoded frame's stored CRC32C.
     *
     * @return the CRC as stored
     */
    public int storedCrc() {
        return decoder.storedCrc();
    }

    /**
     * The CRC32C computed over the decoded frame.
     *
     * @return the computed CRC
     */
    public int actualCrc() {
        return decoder.actualCrc();
    }

    /**
     * The decoded frame's payload, valid up to {@link #length()}.
     *
     * @return this cursor's scratch buffer, overwritten by the next {@link #decode}
     */
    public byte[] payload() {
        return decoder.payload();
    }

    /**
     * Bytes the decoded frame takes, header and alignment included: the next frame's offset is this much further.
     *
     * @return the frame's length
     */
    public long frameLength() {
        return decoder.frameLength();
    }

    /**
     * Where scanning resumes after the bad frame at {@code bad}: recovery's one resynchronisation
     * rule (docs/FORMAT.md), the one skip-corrupted recovery applies.
     *
     * @param bad         offset of the bad frame
     * @param ownLength   the bad frame's own length if it is in range (a CRC or sequence mismatch), else 0
     * @param expected    the sequence expected next
     * @param maxSequence the highest sequence this segment may hold
     * @return the offset of the next valid frame, or -1 if there is none
     */
    public long resync(long bad, long ownLength, long expected, long maxSequence) {
        return FrameDecoder.resync(store, bad, ownLength, limit, expected, maxSequence);
    }
}
