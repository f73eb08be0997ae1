package io.mappedjournal.examples.kv;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The journal record encoding of {@link KvStore} (see its class javadoc for the layout).
 * Stateless; thread-safe.
 */
final class KvRecords {
    static final byte PUT = 1;
    static final byte DELETE = 2;
    /** op (1 byte) + key length (2 bytes). */
    static final int HEADER = 3;
    static final int MAX_KEY_BYTES = 0xFFFF;

    private KvRecords() {
    }

    static byte[] put(String key, String value) {
        final byte[] k = keyBytes(key);
        final byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(HEADER + k.length + v.length).order(ByteOrder.LITTLE_ENDIAN)
                .put(PUT).putShort((short) k.length).put(k).put(v).array();
    }

    static byte[] delete(String key) {
        final byte[] k = keyBytes(key);
        return ByteBuffer.allocate(HEADER + k.length).order(ByteOrder.LITTLE_ENDIAN)
                .put(DELETE).putShort((short) k.length).put(k).array();
    }

    private static byte[] keyBytes(String key) {
        final byte[] k = key.getBytes(StandardCharsets.UTF_8);
        if (k.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key too long: keyBytes=" + k.length + " max=" + MAX_KEY_BYTES);
        }
        return k;
    }

    /**
     * Applies one record to {@code map}.
     *
     * @throws KvStoreException if the record is not a valid PUT or DELETE (the message names {@code where})
     */
    static void apply(byte[] record, Map<String, String> map, String where) {
        if (record.length < HEADER) {
            throw new KvStoreException("bad record: reason=shorter than its header length=" + record.length + " " + where);
        }
        final ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        final byte op = b.get();
        final int keyLength = Short.toUnsignedInt(b.getShort());
        if (keyLength > b.remaining()) {
            throw new KvStoreException("bad record: reason=key longer than the record keyLength=" + keyLength
                    + " length=" + record.length + " " + where);
        }
        final String key = new String(record, HEADER, keyLength, StandardCharsets.UTF_8);
        final int valueOffset = HEADER + keyLength;
        switch (op) {
            case PUT:
                map.put(key, new String(record, valueOffset, record.length - valueOffset, StandardCharsets.UTF_8));
                return;
            case DELETE:
                if (valueOffset != record.length) {
                    throw new KvStoreException("bad record: reason=DELETE with trailing bytes length=" + record.length
                            + " keyLength=" + keyLength + " " + where);
                }
                map.remove(key);
                return;
            default:
                throw new KvStoreException("bad record: reason=unknown op op=" + op + " " + where);
        }
    }
}
