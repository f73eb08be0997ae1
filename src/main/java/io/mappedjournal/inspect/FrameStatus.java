package io.mappedjournal.inspect;

import io.mappedjournal.format.FrameDecoder;

/** What {@link FrameCursor#decode} found at an offset: the journal decoder's status codes. */
public enum FrameStatus {
    /** A frame whose length fits, whose CRC32C matches and whose sequence is the one expected (if one was). */
    VALID,
    /** A zero length word: the end of the data. */
    END,
    /** The seal marker: the segment was rolled here. */
    SEALED,
    /** No room for a frame header before the segment's end. */
    SEGMENT_END,
    /** A length that runs past the segment's end. */
    BAD_LENGTH,
    /** A frame whose CRC32C does not match; its fields are as stored. */
    BAD_CRC,
    /** A valid frame with another sequence than the one expected. */
    BAD_SEQUENCE,
    /** A skip frame an earlier skip-corrupted recovery wrote over damaged bytes. */
    SKIP;

    private static final FrameStatus[] BY_CODE = new FrameStatus[8];

    static {
        BY_CODE[FrameDecoder.VALID] = VALID;
        BY_CODE[FrameDecoder.END] = END;
        BY_CODE[FrameDecoder.SEALED] = SEALED;
        BY_CODE[FrameDecoder.SEGMENT_END] = SEGMENT_END;
        BY_CODE[FrameDecoder.BAD_LENGTH] = BAD_LENGTH;
        BY_CODE[FrameDecoder.BAD_CRC] = BAD_CRC;
        BY_CODE[FrameDecoder.BAD_SEQUENCE] = BAD_SEQUENCE;
        BY_CODE[FrameDecoder.SKIP] = SKIP;
    }

    static FrameStatus of(int code) {
        return BY_CODE[code];
    }
}
