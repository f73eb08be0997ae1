package io.mappedjournal.format;

import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.*;

class FrameEncoderTest {
    /**
     * Issue 11, defect 9: a leaked claim written from another thread after the master copied the
     * payload must not produce a frame whose CRC fails: the CRC covers the bytes in the segment.
     * (The source is plain memory, as a staging ring's record is handed to the encoder.)
     */
    @Test
    void shouldChecksumTheBytesWrittenToTheSegmentNotTheRingAfterTheCopy() throws Exception {
        final BytesStore<?, ByteBuffer> ring = source(4096);
        final byte[] payload = "acknowledged payload".getBytes(StandardCharsets.US_ASCII);
        ring.write(128, payload, 0, payload.length);
        final BytesStore<?, ByteBuffer> segment = BytesStore.elasticByteBuffer(1024, 1024);
        segment.zeroOut(0, 1024);
        final FrameEncoder encoder = new FrameEncoder();
        encoder.attach(segment);
        final boolean[] mutated = {false};
        encoder.afterCopy = () -> {
            // the stale claim's owner writes into the ring after the copy, before the CRC
            ring.writeByte(130, (byte) 'X');
            mutated[0] = true;
        };
        final long length = encoder.encode(64, ring.addressForRead(128), payload.length, 7);
        assertTrue(mutated[0], "the seam ran between the copy and the CRC");
        assertEquals(FrameDescriptor.frameLength(payload.length), length);

        final FrameDecoder decoder = new FrameDecoder();
        final int status = decoder.decode(segment, 64, 1024, 7);
        assertEquals(FrameDecoder.VALID, status, "status " + FrameDecoder.describe(status) + " stored=0x"
                + Integer.toHexString(decoder.storedCrc()) + " actual=0x" + Integer.toHexString(decoder.actualCrc()));
        assertArrayEquals(payload, java.util.Arrays.copyOf(decoder.payload(), decoder.length()));
    }

    /**
     * Issue 15: the frame CRC is CRC32C. One frame built by hand, byte by byte from the layout in
     * docs/FORMAT.md, checked with java.util.zip.CRC32C (not with the production function).
     */
    @Test
    void shouldWriteAFrameWhoseBytesAreTheDocumentedLayout() throws Exception {
        final BytesStore<?, ByteBuffer> ring = source(4096);
        final byte[] payload = {'a', 'b', 'c'};
        ring.write(0, payload, 0, 3);
        final BytesStore<?, ByteBuffer> segment = BytesStore.elasticByteBuffer(256, 256);
        segment.zeroOut(0, 256);
        final FrameEncoder encoder = new FrameEncoder();
        encoder.attach(segment);
        assertEquals(24, encoder.encode(64, ring.addressForRead(0), 3, 0x0102030405060708L));

        final ByteBuffer expected = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        expected.putInt(0, 4); // commit word: payload length + 1
        expected.putLong(8, 0x0102030405060708L);
        expected.put(16, (byte) 'a').put(17, (byte) 'b').put(18, (byte) 'c');
        final CRC32C crc = new CRC32C();
        crc.update(expected.array(), 0, 4);   // commit word
        crc.update(expected.array(), 8, 8);   // sequence
        crc.update(expected.array(), 16, 3);  // payload
        expected.putInt(4, (int) crc.getValue());
        final byte[] actual = new byte[24];
        segment.read(64, actual, 0, 24);
        assertArrayEquals(expected.array(), actual, "frame bytes (commit word, CRC32C, sequence, payload, padding)");
        assertEquals(0x2EF7BC8E, expected.getInt(4), "the CRC32C of this frame, computed once by hand (a bitwise CRC32C in Python)");
    }

    /** Off-heap memory standing in for a staging ring: the encoder sees only an address. */
    private static BytesStore<?, ByteBuffer> source(int capacity) {
        return BytesStore.wrap(ByteBuffer.allocateDirect(capacity));
    }
}
