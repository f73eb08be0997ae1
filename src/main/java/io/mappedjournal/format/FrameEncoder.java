package io.mappedjournal.format;

import io.mappedjournal.staging.StagingRing;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.Memory;
import net.openhft.chronicle.core.OS;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static io.mappedjournal.format.FrameDescriptor.*;

/**
 * Writes frames into a segment (master thread only). The payload is copied straight from the
 * producer's staging ring into the segment; the CRC32C is then computed over the bytes <i>in the
 * segment</i>, so what is checksummed is what was written: a producer that writes into its ring
 * after the copy (a leaked claim used from another thread) can change neither the frame nor its
 * CRC.
 *
 * <p>Stores go straight to the mapping's address through Chronicle Core's {@link Memory}: the
 * caller ({@code SegmentLog}) has already checked that the whole frame fits in the segment, so the
 * per-call bounds and state checks of a {@code BytesStore} would only cost time on the master's
 * hot loop. The CRC reads the segment through one direct {@link ByteBuffer} view of the whole
 * mapping (made once per segment), so {@link CRC32C} runs its intrinsic over the mapped memory; a
 * segment larger than a {@code ByteBuffer} can address is checksummed in chunks read into a
 * scratch array.
 */
public final class FrameEncoder {
    private static final Memory MEMORY = OS.memory();
    private static final int CHUNK = 64 << 10;
    private final CRC32C crc = new CRC32C();
    private final byte[] headerScratch = new byte[12];
    private long segmentAddress;
    private BytesStore<?, ?> segment;
    /** The mapping as a direct buffer for the CRC, or null if the segment is too large for one. */
    private ByteBuffer segmentView;
    private byte[] chunk;
    /** Test seam: runs after the payload was copied into the segment, before the CRC is computed. */
    Runnable afterCopy;

    /**
     * Makes {@code segment} the mapping that {@link #encode} writes into (at open and at every
     * roll). Master thread only.
     *
     * @param segment the active segment's mapping, valid until the next attach
     */
    public void attach(BytesStore<?, ?> segment) {
        this.segment = segment;
        this.segmentAddress = segment.addressForWrite(0);
        ByteBuffer view = null;
        if (segment.realCapacity() <= Integer.MAX_VALUE) {
            view = segment.toTemporaryDirectByteBuffer();
            if (view.capacity() != segment.realCapacity()) {
                view = null; // not the whole mapping: use the chunked path
            }
        }
        this.segmentView = view;
    }

    /**
     * Writes one frame at {@code frameOffset} of the attached segment and publishes it. The caller
     * guarantees {@code frameOffset + frameLength(payloadLength)} is within the mapping. Master
     * thread only.
     *
     * @param frameOffset    offset of the frame in the segment
     * @param ring           the staging ring holding the payload
     * @param payloadIndex   index of the payload in {@code ring}
     * @param payloadLength  payload bytes (0 for an empty record)
     * @param sequence       the frame's sequence
     * @return the bytes the frame occupies (header, payload and padding)
     */
    public long encode(long frameOffset, StagingRing ring, int payloadIndex, int payloadLength, long sequence) {
        final long frame = segmentAddress + frameOffset;
        MEMORY.copyMemory(ring.address() + payloadIndex, frame + HEADER_LENGTH, payloadLength);
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

    /** Adds {@code length} bytes of the segment at {@code offset} to the CRC (plain reads: the master wrote them). */
    private void updateFromSegment(long offset, int length) {
        if (length == 0) {
            return;
        }
        final ByteBuffer view = segmentView;
        if (view != null) {
            view.limit((int) offset + length).position((int) offset);
            crc.update(view);
            view.clear();
            return;
        }
        if (chunk == null) {
            chunk = new byte[CHUNK];
        }
        for (int done = 0; done < length; ) {
            final int n = Math.min(CHUNK, length - done);
            segment.read(offset + done, chunk, 0, n);
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
