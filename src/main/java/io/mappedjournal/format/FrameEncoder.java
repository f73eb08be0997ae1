package io.mappedjournal.format;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.Memory;
import net.openhft.chronicle.core.OS;

import java.util.zip.CRC32C;

import static io.mappedjournal.format.FrameDescriptor.*;

/**
 * Writes frames into a segment (master thread only). The payload is plain memory (an address and
 * a length: in the journal, a record in a producer's staging ring), copied straight into the
 * segment; the CRC32C is then computed over the bytes <i>in the segment</i>, so what is
 * checksummed is what was written: a producer that writes into its ring after the copy (a leaked
 * claim used from another thread) can change neither the frame nor its CRC.
 *
 * <p>Stores go straight to the mapping's address through Chronicle Core's {@link Memory}: the
 * caller ({@code SegmentLog}) has already checked that the whole frame fits in the segment, so the
 * per-call bounds and state checks of a {@code BytesStore} would only cost time on the master's
 * hot loop. The CRC reads the payload back from the segment into a scratch array (in chunks of
 * 64 KiB) with the same kind of access, never with {@link CRC32C} straight over the mapping: a file
 * truncated underneath makes an {@code Unsafe} access fail with an {@link InternalError} that the
 * master turns into a named error, whereas a fault inside the CRC32C intrinsic would kill the JVM
 * ({@code UnderneathTest.truncatedSegment} caught exactly that). The payload is in the CPU cache
 * after the copy, so reading it back costs one small memory copy.
 */
public final class FrameEncoder {
    private static final Memory MEMORY = OS.memory();
    private static final int CHUNK = 64 << 10;
    private static final long BYTE_ARRAY_BASE = sun.misc.Unsafe.ARRAY_BYTE_BASE_OFFSET;
    private final CRC32C crc = new CRC32C();
    private final byte[] headerScratch = new byte[12];
    private long segmentAddress;
    private final byte[] chunk = new byte[CHUNK];
    /** Test seam: runs after the payload was copied into the segment, before the CRC is computed. */
    Runnable afterCopy;

    /**
     * Makes {@code segment} the mapping that {@link #encode} writes into (at open and at every
     * roll). Master thread only.
     *
     * @param segment the active segment's mapping, valid until the next attach
     */
    public void attach(BytesStore<?, ?> segment) {
        this.segmentAddress = segment.addressForWrite(0);
    }

    /**
     * Writes one frame at {@code frameOffset} of the attached segment and publishes it. The caller
     * guarantees {@code frameOffset + frameLength(payloadLength)} is within the mapping. Master
     * thread only.
     *
     * @param frameOffset    offset of the frame in the segment
     * @param payloadAddress native address of the payload's first byte (read once, by the copy)
     * @param payloadLength  payload bytes (0 for an empty record)
     * @param sequence       the frame's sequence
     * @return the bytes the frame occupies (header, payload and padding)
     */
    public long encode(long frameOffset, long payloadAddress, int payloadLength, long sequence) {
        final long frame = segmentAddress + frameOffset;
        MEMORY.copyMemory(payloadAddress, frame + HEADER_LENGTH, payloadLength);
        if (afterCopy != null) {
            afterCopy.run();
        }
        final int commit = commitWord(payloadLength);
        crc.reset();
        putHeaderFields(headerScratch, commit, sequence);
        crc.update(headerScratch, 0, headerScratch.length);
        updateFromSegment(frameOffset + HEADER_LENGTH, payloadLength);
        MEMORY.writeInt(frame + CRC_OFFSET, (int) crc.getValue());
        MEMORY.writeLong(frame + SEQUENCE_OFFSET, sequence);
        // Release: CRC, sequence and payload are visible before the commit word to any reader,
        // in this process or another one mapping the same file.
        MEMORY.writeOrderedInt(frame + LENGTH_OFFSET, commit);
        return frameLength(payloadLength);
    }

    /**
     * Adds {@code length} bytes of the segment at {@code offset} to the CRC, read back from the
     * mapping (plain loads: this thread wrote them).
     */
    private void updateFromSegment(long offset, int length) {
        for (int done = 0; done < length; ) {
            final int n = Math.min(CHUNK, length - done);
            MEMORY.copyMemory(null, segmentAddress + offset + done, chunk, BYTE_ARRAY_BASE, n);
            crc.update(chunk, 0, n);
            done += n;
        }
    }

    /** The CRC input that precedes the payload: the commit word then the sequence, little-endian. */
    static void putHeaderFields(byte[] dst, int commitWord, long sequence) {
        for (int i = 0; i < 4; i++) {
            dst[i] = (byte) (commitWord >>> (8 * i));
        }
        for (int i = 0; i < 8; i++) {
            dst[4 + i] = (byte) (sequence >>> (8 * i));
        }
    }

    /**
     * CRC32C of a data frame with this payload, as stored in its CRC field (for tests and tools).
     *
     * @param payloadLength payload bytes (0 for an empty record)
     * @param sequence      the frame's sequence
     * @param payload       array holding the payload
     * @param offset        index of the payload's first byte in {@code payload}
     * @return the CRC32C the frame must carry: over its commit word ({@code payloadLength + 1}),
     *         sequence and payload
     */
    public static int crcOf(int payloadLength, long sequence, byte[] payload, int offset) {
        final CRC32C c = new CRC32C();
        final byte[] header = new byte[12];
        putHeaderFields(header, commitWord(payloadLength), sequence);
        c.update(header, 0, 12);
        c.update(payload, offset, payloadLength);
        return (int) c.getValue();
    }
}
