package io.mappedjournal.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mappedjournal.format.FrameDecoder;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.FrameEncoder;
import net.openhft.chronicle.bytes.BytesStore;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fuzzes the frame decoder the way a recovery scan and a reader drive it: walk the bytes frame
 * by frame from offset 0. It may only return status codes (never throw, never allocate beyond
 * the segment), and whatever it calls VALID must really be a frame whose CRC matches.
 *
 * <p>Replayed in every test run from {@code src/test/resources/io/mappedjournal/fuzz/FrameDecoderFuzzTestInputs/decode/};
 * a real session: {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=60s ./mvnw -f journal.xml test -Dtest='FrameDecoderFuzzTest#decode'}.
 */
class FrameDecoderFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void decode(byte[] data) {
        final BytesStore<?, ?> store = BytesStore.wrap(data);
        final FrameDecoder decoder = new FrameDecoder();
        final long limit = data.length;
        long offset = 0;
        long expected = -1;
        for (int frames = 0; frames < 100_000; frames++) {
            final int status = decoder.decode(store, offset, limit, expected);
            switch (status) {
                case FrameDecoder.VALID: {
                    final int len = decoder.length();
                    assertTrue(len >= 0 && offset + FrameDescriptor.HEADER_LENGTH + len <= limit);
                    assertEquals(FrameEncoder.crcOf(len, decoder.sequence(), decoder.payload(), 0), decoder.storedCrc());
                    // and independently of the production function: CRC32C over the raw bytes
                    final java.nio.ByteBuffer raw = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    final int at = (int) offset;
                    assertEquals(len + 1, raw.getInt(at), "commit word = payload length + 1");
                    final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                    crc.update(data, at, 4);
                    crc.update(data, at + 8, 8 + len);
                    assertEquals((int) crc.getValue(), raw.getInt(at + 4), "CRC32C of the frame at " + at);
                    expected = decoder.sequence() + 1;
                    offset += decoder.frameLength();
                    break;
                }
                case FrameDecoder.SKIP:
                    assertTrue(decoder.frameLength() >= FrameDescriptor.ALIGNMENT && offset + decoder.frameLength() <= limit);
                    assertEquals(0, decoder.frameLength() % FrameDescriptor.ALIGNMENT);
                    offset += decoder.frameLength();
                    expected = -1;
                    break;
                case FrameDecoder.END:
                case FrameDecoder.SEALED:
                case FrameDecoder.SEGMENT_END:
                    return;
                case FrameDecoder.BAD_LENGTH:
                case FrameDecoder.BAD_CRC:
                case FrameDecoder.BAD_SEQUENCE:
                    // a scan would stop or resync here: try the next aligned offset like resync does
                    offset += FrameDescriptor.ALIGNMENT;
                    expected = -1;
                    break;
                default:
                    fail("unknown status " + status);
            }
            if (offset >= limit) {
                return;
            }
        }
    }
}
