package io.mappedjournal.examples.kv;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The checkpoint file of a {@link KvStore}: the whole map and the journal sequence it covers.
 *
 * <pre>
 *   magic "MJKVSNP1" (8 bytes)
 *   version (int32) = 1
 *   covered sequence (int64): every journal record with a lower sequence is reflected, none other
 *   entry count (int32)
 *   entries: key length (uint16) | key UTF-8 | value length (int32) | value UTF-8
 *   CRC32C (int32) of every byte before it
 * </pre>
 *
 * Big-endian ({@link DataOutputStream}). Written to {@code snapshot.tmp}, fsynced, renamed over
 * {@code snapshot} (atomic), then the directory is fsynced: a crash at any point leaves either the
 * previous snapshot or the new one, never a mix; a leftover {@code snapshot.tmp} is deleted at open.
 */
final class Snapshot {
    static final String FILE = "snapshot";
    static final String TEMP = "snapshot.tmp";
    private static final byte[] MAGIC = "MJKVSNP1".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int FIXED = 8 + 4 + 8 + 4 + 4;

    final long coveredSequence;
    final Map<String, String> entries;

    Snapshot(long coveredSequence, Map<String, String> entries) {
        this.coveredSequence = coveredSequence;
        this.entries = entries;
    }

    /** Writes {@code map} as the snapshot of {@code dir} covering records below {@code coveredSequence}. */
    static void write(Path dir, long coveredSequence, Map<String, String> map) throws IOException {
        final Path tmp = dir.resolve(TEMP);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            final CRC32C crc = new CRC32C();
            final OutputStream raw = Channels.newOutputStream(ch);
            final DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(
                    new NonClosing(raw), crc), 1 << 16));
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(coveredSequence);
            out.writeInt(map.size());
            for (Map.Entry<String, String> e : map.entrySet()) {
                final byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
                final byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
                out.writeShort(k.length);
                out.write(k);
                out.writeInt(v.length);
                out.write(v);
            }
            out.flush();
            raw.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // makes the rename durable
        }
    }

    /**
     * Reads the snapshot of {@code dir}, or returns an empty one covering nothing if there is none.
     *
     * @throws KvStoreException if the file is damaged (the message names it and what is wrong)
     */
    static Snapshot read(Path dir) throws IOException {
        final Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return new Snapshot(0, new HashMap<>());
        }
        final byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < FIXED) {
            throw corrupt(file, "shorter than its header length=" + bytes.length);
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        final int storedCrc = b.getInt(bytes.length - 4);
        if (storedCrc != (int) crc.getValue()) {
            throw corrupt(file, "CRC mismatch stored=" + Integer.toHexString(storedCrc)
                    + " computed=" + Integer.toHexString((int) crc.getValue()));
        }
        final byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw corrupt(file, "bad magic");
        }
        final int version = b.getInt();
        if (version != VERSION) {
            throw corrupt(file, "unsupported version=" + version + " expected=" + VERSION);
        }
        final long covered = b.getLong();
        final int count = b.getInt();
        if (covered < 0 || count < 0) {
            throw corrupt(file, "negative field coveredSequence=" + covered + " count=" + count);
        }
        final Map<String, String> map = new HashMap<>(Math.max(16, count * 4 / 3 + 1));
        b.limit(bytes.length - 4);
        try {
            for (int i = 0; i < count; i++) {
                final int kl = Short.toUnsignedInt(b.getShort());
                final String k = new String(bytes, b.position(), kl, StandardCharsets.UTF_8);
                b.position(b.position() + kl);
                final int vl = b.getInt();
                if (vl < 0) {
                    throw corrupt(file, "negative value length entry=" + i);
                }
                final String v = new String(bytes, b.position(), vl, StandardCharsets.UTF_8);
                b.position(b.position() + vl);
                map.put(k, v);
            }
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw corrupt(file, "entries run past the end count=" + count);
        }
        if (b.hasRemaining() || map.size() != count) {
            throw corrupt(file, "entries do not match the count count=" + count + " distinct=" + map.size()
                    + " trailingBytes=" + b.remaining());
        }
        return new Snapshot(covered, map);
    }

    private static KvStoreException corrupt(Path file, String reason) {
        return new KvStoreException("corrupt snapshot: file=" + file + " reason=" + reason);
    }

    /** Lets the CRC stream be flushed without closing the channel under it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() {
        }
    }
}
