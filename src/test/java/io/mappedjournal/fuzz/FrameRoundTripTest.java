package io.mappedjournal.fuzz;

import io.mappedjournal.format.FrameDecoder;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.FrameEncoder;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.TestRings;
import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The encoder/decoder pair for every payload length: 0..{@value #EXHAUSTIVE} exhaustively, then
 * {@value #SAMPLED} lengths sampled up to {@value #LARGEST} bytes (issue 11, defect 1: an empty
 * record was read as end of data). Each frame is checked against the documented layout with an
 * independent {@link CRC32C}, decoded back, and cut one byte short (never valid).
 */
class FrameRoundTripTest {
    static final int EXHAUSTIVE = 4096;
    static final int SAMPLED = 200;
    static final int LARGEST = 4 << 20;
    private static final int AT = 64;

    @Test
    void shouldRoundTripEveryPayloadLengthCheckedWithAnIndependentCrc32c() throws Exception {
        final StagingRing ring = TestRings.ring(2 * LARGEST);
        final BytesStore<?, ByteBuffer> segment = BytesStore.elasticByteBuffer(LARGEST + 256, LARGEST + 256);
        final ByteBuffer raw = segment.underlyingObject().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        final FrameEncoder encoder = new FrameEncoder();
        encoder.attach(segment);
        final FrameDecoder decoder = new FrameDecoder();
        final SplittableRandom random = new SplittableRandom(11);
        int checked = 0;
        for (int i = 0; i <= EXHAUSTIVE + SAMPLED; i++) {
            final int length = i <= EXHAUSTIVE ? i : random.nextInt(EXHAUSTIVE, LARGEST + 1);
            final byte[] payload = new byte[length];
            random.nextBytes(payload);
            ring.buffer().write(0, payload, 0, length);
            final long sequence = random.nextLong() & Long.MAX_VALUE;
            final long frameLength = FrameDescriptor.frameLength(length);
            segment.zeroOut(0, AT + frameLength + 8);

            assertEquals(frameLength, encoder.encode(AT, ring.buffer().addressForRead(0), length, sequence), "length " + length);
            // the layout, read as raw bytes
            assertEquals(length + 1, raw.getInt(AT), "commit word of length " + length);
            assertEquals(sequence, raw.getLong(AT + 8));
            final byte[] stored = new byte[length];
            raw.get(AT + 16, stored);
            assertArrayEquals(payload, stored, "payload of length " + length);
            for (long pad = AT + 16 + length; pad < AT + frameLength; pad++) {
                assertEquals(0, raw.get((int) pad), "padding of length " + length);
            }
            final CRC32C crc = new CRC32C();
            crc.update(raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(AT).limit(AT + 4));
            crc.update(raw.duplicate().position(AT + 8).limit(AT + 16 + length));
            assertEquals((int) crc.getValue(), raw.getInt(AT + 4), "CRC32C of length " + length);

            assertEquals(FrameDecoder.VALID, decoder.decode(segment, AT, AT + frameLength, sequence), "length " + length);
            assertEquals(length, decoder.length());
            assertEquals(sequence, decoder.sequence());
            assertEquals(frameLength, decoder.frameLength());
            assertArrayEquals(payload, Arrays.copyOf(decoder.payload(), length));
            // the next frame's place is end of data, also right after an empty record
            assertEquals(FrameDecoder.END, decoder.decode(segment, AT + frameLength, AT + frameLength + 8 + 16, -1));
            // a limit one byte short of the payload's end is never a valid frame
            final int cut = decoder.decode(segment, AT, AT + 16 + length - 1, -1);
            assertTrue(cut == FrameDecoder.BAD_LENGTH || cut == FrameDecoder.SEGMENT_END, "cut length " + length + ": " + cut);
            checked++;
        }
        assertEquals(EXHAUSTIVE + SAMPLED + 1, checked);
        System.out.println("FrameRoundTripTest: " + checked + " payload lengths checked (0.." + EXHAUSTIVE
                + " exhaustively, " + SAMPLED + " sampled up to " + LARGEST + ")");
    }

    @Test
    void shouldKeepTheCommitWordPositiveUpToTheLargestPayload() {
        assertEquals(1, FrameDescriptor.commitWord(0), "an empty record's commit word is not end of data");
        assertTrue(FrameDescriptor.commitWord(FrameDescriptor.MAX_PAYLOAD) > 0);
        assertEquals(FrameDescriptor.MAX_PAYLOAD, FrameDescriptor.payloadLength(FrameDescriptor.commitWord(FrameDescriptor.MAX_PAYLOAD)));
        assertTrue(FrameDescriptor.frameLength(FrameDescriptor.MAX_PAYLOAD) > 0);
    }
}
