package io.mappedjournal.format;

import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestCodec;
import io.mappedjournal.manifest.ManifestDescriptor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Pins the on-disk layouts: a change here is a format change and needs a new version. */
class LayoutTest {
    @Test
    void shouldPinTheFrameLayout() {
        assertEquals(0, FrameDescriptor.LENGTH_OFFSET);
        assertEquals(4, FrameDescriptor.CRC_OFFSET);
        assertEquals(8, FrameDescriptor.SEQUENCE_OFFSET);
        assertEquals(16, FrameDescriptor.HEADER_LENGTH);
        assertEquals(24, FrameDescriptor.frameLength(1));
        assertEquals(24, FrameDescriptor.frameLength(8));
        assertEquals(32, FrameDescriptor.frameLength(9));
        assertEquals(-1, FrameDescriptor.SEAL_MARKER);
    }

    @Test
    void shouldPinTheSegmentHeaderLayoutAndRejectADamagedHeader() {
        assertEquals(64, SegmentHeaderDescriptor.HEADER_LENGTH);
        assertEquals(60, SegmentHeaderDescriptor.CRC_OFFSET);
        final byte[] bytes = new SegmentHeader(7, 1234, 65536, 42).toBytes();
        assertEquals("MJSEGMNT", new String(bytes, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        final SegmentHeader h = SegmentHeader.decode(bytes);
        assertEquals(7, h.segmentIndex);
        assertEquals(1234, h.firstSequence);
        assertEquals(65536, h.segmentLength);
        bytes[30] ^= 1;
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SegmentHeader.decode(bytes));
        assertTrue(e.getMessage().startsWith("segment header CRC mismatch: expected=0x"), e.getMessage());
    }

    @Test
    void shouldRoundTripTheManifestAndRejectAnyFlippedBit() {
        final Manifest m = new Manifest(9, 100, true, List.of(
                new Manifest.Entry(100, 200, 3, 65536, true),
                new Manifest.Entry(200, 250, 4, 4096, false)));
        final byte[] bytes = ManifestCodec.encode(m);
        assertEquals(ManifestDescriptor.slotLength(2), bytes.length);
        final Manifest back = ManifestCodec.decode(bytes);
        assertEquals(9, back.generation());
        assertEquals(100, back.lowWaterSequence());
        assertTrue(back.clean());
        assertEquals(m.segments(), back.segments());
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            final byte[] flipped = bytes.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(IllegalArgumentException.class, () -> ManifestCodec.decode(flipped), "bit " + bit);
        }
    }

    @Test
    void shouldComputeTheFrameCrcOverLengthSequenceAndPayload() {
        final byte[] payload = "abc".getBytes();
        final int a = FrameEncoder.crcOf(3, 5, payload, 0);
        assertNotEquals(a, FrameEncoder.crcOf(3, 6, payload, 0), "sequence is covered");
        assertNotEquals(a, FrameEncoder.crcOf(2, 5, payload, 0), "length is covered");
        assertNotEquals(a, FrameEncoder.crcOf(3, 5, "abd".getBytes(), 0), "payload is covered");
    }
}
