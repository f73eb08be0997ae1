package io.mappedjournal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Deterministic payloads for tests: record n of producer t has a length between 8 and
 * {@code 8 + spread} bytes derived from (t, n), starts with t and n as two ints, and every
 * following byte is a function of (t, n, i). So every byte read back can be checked.
 */
final class TestPayloads {
    private TestPayloads() {
    }

    static int length(int t, long n, int spread) {
        return 8 + (int) Math.floorMod(t * 7919L + n * 104729L, spread + 1);
    }

    static byte[] of(int t, long n, int spread) {
        final byte[] b = new byte[length(t, n, spread)];
        final ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0, t);
        bb.putInt(4, (int) n);
        for (int i = 8; i < b.length; i++) {
            b[i] = (byte) (t * 31 + n * 17 + i);
        }
        return b;
    }

    static int producer(byte[] payload) {
        return ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    static int number(byte[] payload) {
        return ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    }
}
