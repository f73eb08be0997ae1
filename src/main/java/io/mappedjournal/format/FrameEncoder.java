package io.mappedjournal.format;

import io.mappedjournal.staging.StagingRing;
import net.openhft.chronicle.core.Memory;
import net.openhft.chronicle.core.OS;

import java.util.zip.CRC32C;

import static io.mappedjournal.format.FrameDescriptor.*;

/**
 * Writes frames into a segment (master thread only). The payload is copied straight from the
 * producer's staging ring; the CRC32C is computed over the ring's copy, which cannot change
 * while the master holds it (the producer may not reuse the space before the master's head
 * release store).
 *
 * <p>Stores go straight to the mapping's address through Chronicle Core's {@link Memory}: the
 * caller ({@code SegmentLog}) has already checked that the whole frame fits in the segment, so the
 * per-call bounds and state checks of a {@code BytesStore} would only cost time on the master's
 * hot loop.
 */
public final class FrameEncoder {
    private static final Memory MEMORY = OS.memory();
    private final CRC32C crc = new CRC32C();
    private final byte[] headerScratch = new byte[12];

    /**
     * Writes one frame at {@code frameOffset} of the mapping that starts at {@code segmentAddress}
     * and publishes it. The caller guarantees {@code frameOffset + frameLength(payloadLength)} is
     * within the mapping. Master thread only.
     *
     * @param segmentAddress native address of the mapping's offset 0
     * @param frameOffset    offset of the frame in the segment
     * @param ring           the staging ring holding the payload
     * @param payloadIndex   index of the payload in {@code ring}
     * @param payloadLength  payload bytes
     * @param sequence       the frame's sequence
     * @return the bytes the frame occupies (header, payload and padding)
     */
    public long encode(long segmentAddress, long frameOffset, StagingRing ring, int payloadIndex, int payloadLength,
                       long sequence) {
        final long frame = segmentAddress + frameOffset;
        MEMORY.copyMemory(ring.address() + payloadIndex, frame + HEADER_LENGTH, payloadLength);
        crc.reset();
        putHeaderFields(headerScratch, payloadLength, sequence);
        crc.update(headerScratch, 0, headerScratch.length);
        crc.update(ring.masterView(payloadIndex, payloadLength));
        MEMORY.writeInt(frame + CRC_OFFSET, (int) crc.getValue());
        MEMORY.writeLong(frame + SEQUENCE_OFFSET, sequence);
        // Release: CRC, sequence and payload are visible before the commit word to any reader,
        // in this process or another one mapping the same file.
        MEMORY.writeOrderedInt(frame + LENGTH_OFFSET, payloadLength);
        return frameLength(payloadLength);
    }

    /** The CRC input that precedes the payload: length then sequence, little-endian. */
    static void putHeaderFields(byte[] dst, int payloadLength, long sequence) {
        for (int i = 0; i < 4; i++) {
            dst[i] = (byte) (payloadLength >>> (8 * i));
        }
        for (int i = 0; i < 8; i++) {
            dst[4 + i] = (byte) (sequence >>> (8 * i));
        }
    }

    /**
     * CRC32C of a frame with this length, sequence and payload (for tests and tools).
     *
     * @param payloadLength payload bytes
     * @param sequence      the frame's sequence
     * @param payload       array holding the payload
     * @param offset        index of the payload's first byte in {@code payload}
     * @return the CRC32C the frame must carry
     */
    public static int crcOf(int payloadLength, long sequence, byte[] payload, int offset) {
        final CRC32C c = new CRC32C();
        final byte[] header = new byte[12];
        putHeaderFields(header, payloadLength, sequence);
        c.update(header, 0, 12);
        c.update(payload, offset, payloadLength);
        return (int) c.getValue();
    }
}
