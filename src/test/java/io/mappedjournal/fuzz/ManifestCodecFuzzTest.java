package io.mappedjournal.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestCodec;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fuzzes the manifest parser: any byte string either decodes to a manifest that re-encodes to
 * the same bytes and obeys the invariants, or is refused with IllegalArgumentException (which
 * recovery turns into "slot refused"); nothing else.
 *
 * <p>Replayed in every test run from {@code src/test/resources/io/mappedjournal/fuzz/ManifestCodecFuzzTestInputs/decode/};
 * a real session: {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=60s ./mvnw -f journal.xml test -Dtest='ManifestCodecFuzzTest#decode'}.
 */
class ManifestCodecFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) {
        // The first byte, if odd, asks for the CRC to be fixed up, so the fuzzer also reaches the
        // checks behind it (a fuzzer cannot forge a CRC32C).
        if (input.length == 0) {
            return;
        }
        final byte[] data = java.util.Arrays.copyOfRange(input, 1, input.length);
        if ((input[0] & 1) != 0 && data.length >= 4) {
            final java.util.zip.CRC32C c = new java.util.zip.CRC32C();
            c.update(data, 0, data.length - 4);
            java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(data.length - 4, (int) c.getValue());
        }
        final Manifest m;
        try {
            m = ManifestCodec.decode(data);
        } catch (IllegalArgumentException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        assertArrayEquals(data, ManifestCodec.encode(m), "a decoded manifest re-encodes to its bytes");
        long previousNext = -1;
        for (int i = 0; i < m.segments().size(); i++) {
            final Manifest.Entry e = m.segments().get(i);
            assertTrue(e.firstSequence >= 0 && e.nextSequence >= e.firstSequence && e.validLength >= 0);
            assertTrue(e.firstSequence >= previousNext);
            assertTrue(e.sealed || i == m.segments().size() - 1, "only the last entry may be active");
            previousNext = e.nextSequence;
        }
    }
}
