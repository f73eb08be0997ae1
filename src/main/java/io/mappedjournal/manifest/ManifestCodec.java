package io.mappedjournal.manifest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static io.mappedjournal.manifest.ManifestDescriptor.*;

/** Encodes and decodes one manifest slot. Pure functions over byte arrays (fuzzable). */
public final class ManifestCodec {
    private ManifestCodec() {
    }

    /**
     * Encodes a manifest as one slot, CRC included.
     *
     * @param m the manifest
     * @return the slot's bytes, {@link ManifestDescriptor#slotLength} of its entry count long
     */
    public static byte[] encode(Manifest m) {
        final int n = m.segments().size();
        final ByteBuffer b = ByteBuffer.allocate(slotLength(n)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC_OFFSET, MAGIC);
        b.putInt(VERSION_OFFSET, FORMAT_VERSION);
        b.putLong(GENERATION_OFFSET, m.generation());
        b.putLong(LOW_WATER_OFFSET, m.lowWaterSequence());
        b.putInt(FLAGS_OFFSET, m.clean() ? FLAG_CLEAN : 0);
        b.putInt(COUNT_OFFSET, n);
        for (int i = 0; i < n; i++) {
            final Manifest.Entry e = m.segments().get(i);
            final int at = ENTRIES_OFFSET + i * ENTRY_LENGTH;
            b.putLong(at + ENTRY_FIRST_SEQUENCE, e.firstSequence);
            b.putLong(at + ENTRY_NEXT_SEQUENCE, e.nextSequence);
            b.putLong(at + ENTRY_SEGMENT_INDEX, e.segmentIndex);
            b.putLong(at + ENTRY_VALID_LENGTH, e.validLength);
            b.putInt(at + ENTRY_STATE, e.sealed ? STATE_SEALED : STATE_ACTIVE);
        }
        final int crcAt = slotLength(n) - CRC_LENGTH;
        b.putInt(crcAt, crc(b.array(), crcAt));
        return b.array();
    }

    /**
     * Decodes a slot.
     *
     * @param bytes the whole slot file
     * @return the manifest
     * @throws IllegalArgumentException naming the first thing that is wrong
     */
    public static Manifest decode(byte[] bytes) {
        if (bytes.length < slotLength(0)) {
            throw new IllegalArgumentException("manifest too short: length=" + bytes.length + " expected>="
                    + slotLength(0));
        }
        final ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        final int magic = b.getInt(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new IllegalArgumentException("bad manifest magic: expected=0x" + Integer.toHexString(MAGIC)
                    + " actual=0x" + Integer.toHexString(magic));
        }
        final int version = b.getInt(VERSION_OFFSET);
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported manifest version: expected=" + FORMAT_VERSION
                    + " actual=" + version);
        }
        final int n = b.getInt(COUNT_OFFSET);
        if (n < 0 || n > MAX_ENTRIES || slotLength(n) != bytes.length) {
            throw new IllegalArgumentException("manifest entry count does not match its length: count=" + n
                    + " length=" + bytes.length);
        }
        final int crcAt = bytes.length - CRC_LENGTH;
        final int stored = b.getInt(crcAt);
        final int actual = crc(bytes, crcAt);
        if (stored != actual) {
            throw new IllegalArgumentException("manifest CRC mismatch: expected=0x" + Integer.toHexString(stored)
                    + " actual=0x" + Integer.toHexString(actual));
        }
        final int flags = b.getInt(FLAGS_OFFSET);
        if ((flags & ~FLAG_CLEAN) != 0) {
            throw new IllegalArgumentException("manifest has unknown flags: flags=0x" + Integer.toHexString(flags));
        }
        final List<Manifest.Entry> entries = new ArrayList<>(n);
        long previousNext = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            final int at = ENTRIES_OFFSET + i * ENTRY_LENGTH;
            final int state = b.getInt(at + ENTRY_STATE);
            if (state != STATE_ACTIVE && state != STATE_SEALED) {
                throw new IllegalArgumentException("manifest entry " + i + " has unknown state=" + state);
            }
            if (b.getInt(at + ENTRY_STATE + 4) != 0) {
                throw new IllegalArgumentException("manifest entry " + i + " has a non-zero reserved field");
            }
            final Manifest.Entry e = new Manifest.Entry(b.getLong(at + ENTRY_FIRST_SEQUENCE),
                    b.getLong(at + ENTRY_NEXT_SEQUENCE), b.getLong(at + ENTRY_SEGMENT_INDEX),
                    b.getLong(at + ENTRY_VALID_LENGTH), state == STATE_SEALED);
            // Consecutive segments are contiguous, except across a gap that skip-corrupted
            // recovery accepted (a segment set aside): sequences only ever go up.
            if (e.firstSequence < 0 || e.nextSequence < e.firstSequence || e.validLength < 0
                    || (previousNext != Long.MIN_VALUE && e.firstSequence < previousNext)) {
                throw new IllegalArgumentException("manifest entry " + i + " is inconsistent: " + e);
            }
            if (!e.sealed && i != n - 1) {
                throw new IllegalArgumentException("manifest entry " + i + " is active but not last");
            }
            previousNext = e.nextSequence;
            entries.add(e);
        }
        return new Manifest(b.getLong(GENERATION_OFFSET), b.getLong(LOW_WATER_OFFSET),
                (b.getInt(FLAGS_OFFSET) & FLAG_CLEAN) != 0, entries);
    }

    private static int crc(byte[] bytes, int length) {
        final CRC32C c = new CRC32C();
        c.update(bytes, 0, length);
        return (int) c.getValue();
    }
}
