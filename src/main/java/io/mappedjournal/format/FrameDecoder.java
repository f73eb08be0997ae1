package io.mappedjournal.format;

import net.openhft.chronicle.bytes.BytesStore;

import java.util.zip.CRC32C;

import static io.mappedjournal.format.FrameDescriptor.*;

/**
 * Reads and validates frames from a segment's bytes. One instance per reading thread: it keeps
 * the last frame's fields and a payload scratch buffer. Status codes instead of exceptions, so a
 * recovery scan can decide per mode what a bad frame means.
 */
public final class FrameDecoder {
    /** A complete frame with a valid CRC. */
    public static final int VALID = 0;
    /** Commit word zero: no frame here (yet). Never a frame: an empty record's commit word is 1. */
    public static final int END = 1;
    /** The seal marker: the journal continues in the next segment. */
    public static final int SEALED = 2;
    /** Fewer than a frame header's bytes remain before the segment's end. */
    public static final int SEGMENT_END = 3;
    /** A length that is negative (other than the seal) or runs past the segment's end. */
    public static final int BAD_LENGTH = 4;
    /** The CRC32C does not match the frame's contents. */
    public static final int BAD_CRC = 5;
    /** A valid frame whose sequence is not the one expected at this point. */
    public static final int BAD_SEQUENCE = 6;
    /** A skip frame written by recovery over damaged bytes; {@link #frameLength()} steps over it. */
    public static final int SKIP = 7;

    private final CRC32C crc = new CRC32C();
    private final byte[] headerScratch = new byte[12];
    private byte[] payload = new byte[256];
    private int length;
    private long sequence;
    private int storedCrc;
    private int actualCrc;
    private long skipLength;

    /**
     * Reads the frame at {@code frameOffset}, bounded by {@code limit} (the segment length).
     * The commit word is read with acquire semantics, so a frame being published concurrently is
     * either seen whole or reported as {@link #END}. The thread that owns this decoder.
     *
     * @param segment          the segment's bytes
     * @param frameOffset      offset of the frame in {@code segment}
     * @param limit            the segment length: no frame may extend past it
     * @param expectedSequence the sequence the frame must carry, or -1 for any
     * @return the status: {@link #VALID}, {@link #END}, {@link #SEALED}, {@link #SEGMENT_END},
     *         {@link #BAD_LENGTH}, {@link #BAD_CRC}, {@link #BAD_SEQUENCE} or {@link #SKIP}
     */
    public int decode(BytesStore<?, ?> segment, long frameOffset, long limit, long expectedSequence) {
        if (frameOffset + HEADER_LENGTH > limit) {
            return frameOffset + 4 <= limit && segment.readVolatileInt(lengthOffset(frameOffset)) == SEAL_MARKER
                    ? SEALED : SEGMENT_END;
        }
        final int commit = segment.readVolatileInt(lengthOffset(frameOffset));
        if (commit == 0) {
            return END;
        }
        if (commit == SEAL_MARKER) {
            return SEALED;
        }
        length = commit;
        if (commit < SEAL_MARKER) {
            final long skip = -(long) commit;
            if ((skip & (ALIGNMENT - 1)) != 0 || frameOffset + skip > limit
                    || segment.readInt(crcOffset(frameOffset)) != skipCheck(commit)) {
                return BAD_LENGTH;
            }
            skipLength = skip;
            return SKIP;
        }
        final int payloadLength = payloadLength(commit);
        length = payloadLength;
        if (frameOffset + HEADER_LENGTH + (long) payloadLength > limit) {
            return BAD_LENGTH;
        }
        storedCrc = segment.readInt(crcOffset(frameOffset));
        sequence = segment.readLong(sequenceOffset(frameOffset));
        if (payload.length < payloadLength) {
            payload = new byte[(int) Math.min(MAX_PAYLOAD, Math.max(payloadLength, payload.length * 2L))];
        }
        segment.read(payloadOffset(frameOffset), payload, 0, payloadLength);
        crc.reset();
        FrameEncoder.putHeaderFields(headerScratch, commit, sequence);
        crc.update(headerScratch, 0, headerScratch.length);
        crc.update(payload, 0, payloadLength);
        actualCrc = (int) crc.getValue();
        if (actualCrc != storedCrc) {
            return BAD_CRC;
        }
        if (expectedSequence >= 0 && sequence != expectedSequence) {
            return BAD_SEQUENCE;
        }
        return VALID;
    }

    /**
     * Length of the last frame decoded that had one (not {@link #END}, {@link #SEALED} or
     * {@link #SEGMENT_END}).
     *
     * @return a data frame's payload length (its commit word - 1; 0 for an empty record), or a
     *         skip frame's commit word (negative)
     */
    public int length() {
        return length;
    }

    /**
     * Sequence of the last frame whose header was read ({@link #VALID}, {@link #BAD_CRC} or
     * {@link #BAD_SEQUENCE}).
     *
     * @return the sequence stored in that frame
     */
    public long sequence() {
        return sequence;
    }

    /**
     * CRC32C stored in the last frame whose header was read ({@link #VALID}, {@link #BAD_CRC} or
     * {@link #BAD_SEQUENCE}).
     *
     * @return the stored CRC32C
     */
    public int storedCrc() {
        return storedCrc;
    }

    /**
     * CRC32C computed over the last frame whose header was read ({@link #VALID}, {@link #BAD_CRC}
     * or {@link #BAD_SEQUENCE}).
     *
     * @return the computed CRC32C
     */
    public int actualCrc() {
        return actualCrc;
    }

    /**
     * Payload of the last frame decoded; valid up to {@link #length()}.
     *
     * @return this decoder's scratch buffer, overwritten by the next {@link #decode}
     */
    public byte[] payload() {
        return payload;
    }

    /**
     * Bytes the last decoded frame (or skip frame) occupies.
     *
     * @return the frame's length, header and padding included: the step to the next frame
     */
    public long frameLength() {
        return length < SEAL_MARKER ? skipLength : FrameDescriptor.frameLength(length);
    }

    /**
     * Where to resume after the bad frame at {@code bad}: the one resynchronisation rule shared by
     * recovery ({@code RecoveryScan}, skip-corrupted) and the tools ({@code verify}, {@code dump},
     * {@code stats}), so they agree on boundaries and on what is unreadable.
     *
     * <ol>
     *   <li>If the bad frame's own length is known ({@code ownLength > 0}: its commit word was in
     *       range, only its CRC or sequence was wrong), the frame right after it is taken when it
     *       is valid and its sequence fits (below). That steps over the whole damaged frame, so a
     *       payload that embeds a valid-looking frame is never taken for a record.</li>
     *   <li>Otherwise the next 8-aligned offset after {@code bad} holding a valid frame whose
     *       sequence fits.</li>
     * </ol>
     * A sequence fits at offset {@code at} if it is at least {@code expected}, at most
     * {@code maxSequence}, and at most {@code expected + (at - bad) / 16} (no more records can have
     * been lost in the bytes stepped over than frame headers fit in them). The sequence test comes
     * before the CRC so that garbage costs no CRC computation. Any thread (uses its own decoder).
     *
     * @param store       the segment's bytes
     * @param bad         offset of the bad frame
     * @param ownLength   the bad frame's length ({@link #frameLength()} after {@link #BAD_CRC} or
     *                    {@link #BAD_SEQUENCE}), or 0 if its length cannot be trusted
     * @param limit       the segment length
     * @param expected    the sequence the bad frame should have carried
     * @param maxSequence the largest sequence this segment may hold
     * @return the offset of the frame to resume at, or -1 if there is none
     */
    public static long resync(BytesStore<?, ?> store, long bad, long ownLength, long limit, long expected,
                              long maxSequence) {
        final FrameDecoder probe = new FrameDecoder();
        if (ownLength > 0 && fits(store, probe, bad, bad + ownLength, limit, expected, maxSequence)) {
            return bad + ownLength;
        }
        for (long at = bad + ALIGNMENT; at + HEADER_LENGTH <= limit; at += ALIGNMENT) {
            if (fits(store, probe, bad, at, limit, expected, maxSequence)) {
                return at;
            }
        }
        return -1;
    }

    private static boolean fits(BytesStore<?, ?> store, FrameDecoder probe, long bad, long at, long limit,
                                long expected, long maxSequence) {
        if (at + HEADER_LENGTH > limit) {
            return false;
        }
        final int commit = store.readInt(lengthOffset(at));
        if (commit <= 0 || at + FrameDescriptor.frameLength(payloadLength(commit)) > limit) {
            return false;
        }
        final long sequence = store.readLong(sequenceOffset(at));
        if (sequence < expected || sequence > expected + (at - bad) / HEADER_LENGTH || sequence > maxSequence) {
            return false;
        }
        return probe.decode(store, at, limit, -1) == VALID;
    }

    /**
     * Names a status code, for messages.
     *
     * @param status a status returned by {@link #decode}
     * @return a short description; {@code "status <n>"} for an unknown code
     */
    public static String describe(int status) {
        switch (status) {
            case VALID: return "valid";
            case END: return "end of data";
            case SEALED: return "sealed";
            case SEGMENT_END: return "end of segment";
            case BAD_LENGTH: return "bad length";
            case BAD_CRC: return "CRC mismatch";
            case BAD_SEQUENCE: return "unexpected sequence";
            case SKIP: return "skip frame";
            default: return "status " + status;
        }
    }
}
