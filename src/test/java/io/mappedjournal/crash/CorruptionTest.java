package io.mappedjournal.crash;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.Journal;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.manifest.ManifestDescriptor;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.recovery.RecoveryPlan;
import io.mappedjournal.recovery.RecoveryScan;
import io.mappedjournal.segment.SegmentFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.mappedjournal.crash.CrashTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Damage from outside (bit flips, truncation at every offset, garbage manifests, huge length
 * fields, missing and extra segments), recovered in each of the four modes; each mode must do
 * exactly what docs/FORMAT.md says, never hand back a frame with wrong content, and never fail
 * with anything but {@link CorruptJournalException}. Counts: {@code -Djournal.corruption.flips}
 * (default 120 flips x 4 modes) and {@code -Djournal.corruption.truncationStride} (default 1:
 * every offset of the last segment's data).
 */
class CorruptionTest {
    static final RecoveryMode[] MODES = RecoveryMode.values();
    static Image base;
    static int records;
    static List<String> segments;
    static Layout[] layouts;

    @TempDir(factory = ShmTempDir.class)
    static Path shared;
    @TempDir(factory = ShmTempDir.class)
    Path dir;

    @BeforeAll
    static void buildBase() throws Exception {
        final Path d = shared.resolve("base");
        records = 1100;
        build(d, records);
        base = Image.of(d);
        segments = base.segmentNames();
        assertTrue(segments.size() >= 3, "want sealed segments and an active one: " + segments);
        layouts = new Layout[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            layouts[i] = new Layout(base.files.get(segments.get(i)), i == segments.size() - 1);
            assertEquals(i < segments.size() - 1, layouts[i].sealed, segments.get(i));
        }
    }

    static long firstOf(int segment) {
        return SegmentFiles.firstSequenceOf(segments.get(segment));
    }

    /** Opens {@code dir} in {@code mode}; returns null if recovery refused (CorruptJournalException). */
    static CorruptJournalException open(Path dir, RecoveryMode mode) throws Exception {
        try (Journal j = Journal.open(config(dir).recoveryMode(mode).build())) {
            assertNotNull(j.recoveryReport());
            return null;
        } catch (CorruptJournalException e) {
            assertNotNull(e.getMessage());
            return e;
        }
    }

    // ------------------------------------------------------------------ bit flips

    @Test
    void bitFlipsAnywhere() throws Exception {
        final int flips = count("journal.corruption.flips", 120);
        final Random rnd = new Random(42);
        final List<String> names = new ArrayList<>(base.files.keySet());
        int checked = 0;
        for (int i = 0; i < flips; i++) {
            // half the flips land in bytes the checks cover, half anywhere (mostly unused space)
            final String file;
            int at;
            boolean covered;
            while (true) {
                final String f = i % 2 == 0 ? names.get(rnd.nextInt(names.size())) : pickSegmentWeighted(rnd);
                final byte[] bytes = base.files.get(f);
                at = rnd.nextInt(bytes.length);
                covered = isCovered(f, at);
                if (i % 2 == 1 || covered) {
                    file = f;
                    break;
                }
            }
            final int bit = rnd.nextInt(8);
            final String what = file + " byte " + at + " bit " + bit + (covered ? " (covered)" : " (unused)");
            for (RecoveryMode mode : MODES) {
                final Image img = base.copy();
                img.files.get(file)[at] ^= (byte) (1 << bit);
                img.writeTo(dir);
                checkFlip(mode, file, covered, what, i % 10 == 0);
                checked++;
            }
        }
        System.out.printf("corruption: %d bit-flip recoveries checked%n", checked);
    }

    private static String pickSegmentWeighted(Random rnd) {
        return segments.get(rnd.nextInt(segments.size()));
    }

    static boolean isCovered(String file, int at) {
        final int s = segments.indexOf(file);
        return s < 0 || layouts[s].covered[at]; // manifest slots: every byte counts
    }

    private void checkFlip(RecoveryMode mode, String file, boolean covered, String what, boolean appendAfter)
            throws Exception {
        final boolean inSealed = segments.indexOf(file) >= 0 && segments.indexOf(file) < segments.size() - 1;
        final CorruptJournalException refused = open(dir, mode);
        switch (mode) {
            case ABSOLUTE:
                assertEquals(covered, refused != null, mode + ": " + what + " -> " + refused);
                if (refused == null) {
                    assertAll(dir, what);
                }
                return;
            case TOLERATE_TAIL:
                if (refused != null) {
                    assertTrue(covered, mode + " refused an unused-byte flip: " + what + " -> " + refused);
                    return;
                }
                final ReadBack r = readAll(dir);
                assertTrue(r.isPrefix(), what);
                if (r.error != null) {
                    // sealed segments' frames are checked by every read, not at open
                    assertTrue(inSealed && covered, what + " -> " + r.error);
                    assertTrue(r.error.getMessage().contains(file) && r.error.getMessage().contains("offset="),
                            r.error.getMessage());
                } else {
                    assertEquals(records, r.count(), what);
                }
                return;
            default:
                assertNull(refused, mode + " must salvage: " + what);
                final ReadBack s = readAll(dir);
                assertNull(s.error, mode + ": " + what);
                if (mode == RecoveryMode.POINT_IN_TIME) {
                    assertTrue(s.isPrefix(), mode + ": " + what + " -> " + s.sequences);
                }
                if (!covered) {
                    assertEquals(records, s.count(), mode + ": " + what);
                }
                if (appendAfter) {
                    appendAfterRecovery(dir, mode);
                    final ReadBack after = readAll(dir);
                    assertNull(after.error);
                    assertEquals(s.count() + 1, after.count(), mode + ": " + what);
                }
        }
    }

    static void assertAll(Path dir, String what) throws Exception {
        final ReadBack r = readAll(dir);
        assertNull(r.error, what);
        assertTrue(r.isPrefix(), what);
        assertEquals(records, r.count(), what);
    }

    // ------------------------------------------------------------------ truncation

    /**
     * A small journal (one sealed segment, an active one with a few KiB of data), truncated at
     * every offset of the active segment's header and data (then every 512 bytes to its end), at
     * every offset of the sealed segment's header, around its seal marker and every 127 bytes
     * elsewhere, and at every offset of both manifest slots. Every mode's plan is checked
     * (records kept = frames wholly before the cut); every 101st case is also opened for real,
     * read back byte for byte and appended to.
     */
    @Test
    void truncationAtEveryOffset() throws Exception {
        final int stride = Integer.getInteger("journal.corruption.truncationStride", 1);
        final Path smallDir = shared.resolve("small");
        final int smallRecords = 520;
        build(smallDir, smallRecords);
        final Image small = Image.of(smallDir);
        final List<String> names = small.segmentNames();
        assertEquals(2, names.size(), names.toString());
        final Layout[] lay = {new Layout(small.files.get(names.get(0)), false), new Layout(small.files.get(names.get(1)), true)};
        int scans = 0;
        int opens = 0;
        small.writeTo(dir);
        final List<Integer> activeOffsets = new ArrayList<>();
        for (int k = 0; k < lay[1].dataEnd + 64; k += stride) {
            activeOffsets.add(k);
        }
        for (int k = (int) lay[1].dataEnd + 64; k < SEGMENT; k += 512) {
            activeOffsets.add(k);
        }
        final List<Integer> sealedOffsets = new ArrayList<>();
        for (int k = 0; k < SEGMENT; k++) {
            if (k < 128 || Math.abs(k - lay[0].dataEnd) <= 64 || k % (127 * stride) == 0) {
                sealedOffsets.add(k);
            }
        }
        int n = 0;
        for (int s = 0; s < 2; s++) {
            for (int k : s == 1 ? activeOffsets : sealedOffsets) {
                final boolean open = n++ % 101 == 0;
                scans += truncateAndCheck(small, smallRecords, names, lay, s, k, open);
                opens += open ? 2 : 0;
            }
        }
        // both manifest slots at every offset: the other slot takes over
        for (int slot = 0; slot < 2; slot++) {
            final String name = ManifestDescriptor.slotName(slot);
            final byte[] whole = small.files.get(name);
            for (int k = 0; k < whole.length; k++) {
                Files.write(dir.resolve(name), Arrays.copyOf(whole, k));
                for (RecoveryMode mode : MODES) {
                    scans++;
                    if (mode == RecoveryMode.ABSOLUTE) {
                        assertThrows(CorruptJournalException.class, () -> RecoveryScan.scan(dir, mode));
                    } else {
                        assertEquals(smallRecords, RecoveryScan.scan(dir, mode).nextSequence, name + " truncated at " + k);
                    }
                }
            }
            Files.write(dir.resolve(name), whole);
        }
        System.out.printf("corruption: %d truncation scans, %d full recoveries checked%n", scans, opens);
    }

    /** Truncates segment {@code s} at {@code k}; checks the plan of every mode (and, if asked, a real open of two). */
    private int truncateAndCheck(Image img, int total, List<String> names, Layout[] lay, int s, int k, boolean open)
            throws Exception {
        final String name = names.get(s);
        final byte[] whole = img.files.get(name);
        Files.write(dir.resolve(name), Arrays.copyOf(whole, k));
        final long first = SegmentFiles.firstSequenceOf(name);
        final boolean headerGone = k < 64;
        final boolean last = s == names.size() - 1;
        // a sealed segment cut after its seal marker lost only zeros: nothing is lost
        final boolean intact = !last && k >= lay[s].dataEnd + 4;
        final long kept = headerGone ? 0 : lay[s].framesBefore(k);
        final String what = name + " truncated at " + k;
        for (RecoveryMode mode : MODES) {
            if (mode == RecoveryMode.TOLERATE_TAIL || mode == RecoveryMode.ABSOLUTE) {
                final CorruptJournalException e = assertThrows(CorruptJournalException.class,
                        () -> RecoveryScan.scan(dir, mode), what);
                assertTrue(e.getMessage().contains(name), e.getMessage());
                continue;
            }
            final RecoveryPlan plan = RecoveryScan.scan(dir, mode);
            if (intact) {
                assertEquals(total, plan.nextSequence, mode + ": " + what);
            } else if (mode == RecoveryMode.POINT_IN_TIME || last) {
                assertEquals(first + kept, plan.nextSequence, mode + ": " + what);
            } else {
                assertEquals(total, plan.nextSequence, mode + ": " + what);
                if (!headerGone) {
                    assertEquals(first + kept, plan.segments.get(s).nextSequence, mode + ": " + what);
                }
            }
        }
        if (open) {
            final Path copy = dir.resolveSibling(dir.getFileName() + "-open");
            for (RecoveryMode mode : new RecoveryMode[]{RecoveryMode.POINT_IN_TIME, RecoveryMode.SKIP_CORRUPTED}) {
                img.writeTo(copy);
                Files.write(copy.resolve(name), Arrays.copyOf(whole, k));
                assertNull(open(copy, mode), mode + ": " + what);
                final ReadBack r = readAll(copy);
                assertNull(r.error, mode + ": " + what);
                final long expected = intact ? total : mode == RecoveryMode.POINT_IN_TIME || last
                        ? first + kept : total - (lay[s].frames.size() - kept);
                assertEquals(expected, r.count(), mode + ": " + what);
                if (mode == RecoveryMode.POINT_IN_TIME) {
                    assertTrue(r.isPrefix());
                }
                appendAfterRecovery(copy, mode);
                assertEquals(expected + 1, readAll(copy).count(), mode + ": " + what);
            }
        }
        Files.write(dir.resolve(name), whole);
        return MODES.length;
    }

    // ------------------------------------------------------------------ manifests

    @Test
    void garbageInBothManifestSlotsRebuildsFromSegmentHeaders() throws Exception {
        final Random rnd = new Random(7);
        final int[] lengths = {0, 3, 36, 75, 116, 4096};
        for (int len : lengths) {
            final Image img = base.copy();
            for (int slot = 0; slot < 2; slot++) {
                final byte[] g = new byte[len];
                rnd.nextBytes(g);
                if (len >= 8 && slot == 1) {
                    // a plausible-looking slot: right magic and version, garbage after
                    ByteBuffer.wrap(g).order(ByteOrder.LITTLE_ENDIAN).putInt(0, ManifestDescriptor.MAGIC)
                            .putInt(4, ManifestDescriptor.FORMAT_VERSION);
                }
                img.files.put(ManifestDescriptor.slotName(slot), g);
            }
            for (RecoveryMode mode : MODES) {
                img.writeTo(dir);
                final CorruptJournalException refused = open(dir, mode);
                if (mode == RecoveryMode.ABSOLUTE) {
                    assertNotNull(refused, "absolute must refuse damaged manifests");
                    assertTrue(refused.getMessage().contains("manifest"), refused.getMessage());
                    continue;
                }
                assertNull(refused, mode + " len " + len);
                assertAll(dir, mode + " garbage manifests of " + len + " bytes");
            }
        }
        // a slot too large to be a manifest is refused without being read
        final Image img = base.copy();
        img.writeTo(dir);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(ManifestDescriptor.slotName(0)).toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        try (Journal j = Journal.open(config(dir).build())) {
            assertTrue(j.recoveryReport().anomalies().toString().contains("too large"),
                    j.recoveryReport().describe());
            assertEquals(records, j.recoveryReport().nextSequence());
        }
    }

    // ------------------------------------------------------------------ huge length fields

    @Test
    void hugeAndNegativeLengthFields() throws Exception {
        final int[] lengths = {Integer.MAX_VALUE, 0x7ffffff0, SEGMENT, SEGMENT - 200, 100_000_000, -16, -8, -7,
                -(1 << 30), Integer.MIN_VALUE, 1};
        for (int s : new int[]{segments.size() - 1, 0}) {
            final Layout layout = layouts[s];
            final int victim = layout.frames.size() / 2;
            final long[] frame = layout.frames.get(victim);
            for (int len : lengths) {
                final Image img = base.copy();
                ByteBuffer.wrap(img.files.get(segments.get(s))).order(ByteOrder.LITTLE_ENDIAN)
                        .putInt((int) FrameDescriptor.lengthOffset(frame[0]), len);
                final String what = segments.get(s) + " frame " + frame[1] + " length=" + len;
                for (RecoveryMode mode : MODES) {
                    img.writeTo(dir);
                    final CorruptJournalException refused = open(dir, mode);
                    final ReadBack r = refused == null ? readAll(dir) : null;
                    switch (mode) {
                        case ABSOLUTE:
                            assertNotNull(refused, what);
                            assertTrue(refused.getMessage().contains(segments.get(s)), refused.getMessage());
                            break;
                        case TOLERATE_TAIL:
                            // refused at open, in the active segment and in a sealed one alike
                            // (every segment's frames are checked at open: issue 11, defect 5)
                            assertNotNull(refused, what);
                            assertTrue(refused.getMessage().contains(segments.get(s) + " offset=" + frame[0]),
                                    refused.getMessage());
                            break;
                        case POINT_IN_TIME:
                            assertNull(refused, what);
                            assertNull(r.error, what);
                            assertEquals(frame[1], r.count(), what);
                            break;
                        default:
                            assertNull(refused, what);
                            assertNull(r.error, what);
                            // the damaged frame is lost, every other record is salvaged
                            assertEquals(records - 1, r.count(), what + " " + r.sequences.size());
                            assertFalse(r.sequences.contains(frame[1]), what);
                    }
                }
            }
        }
    }

    /**
     * The anomaly a repair leaves behind names exactly the damage: the segment file, the offset of
     * the damaged frame in it, and why. A payload bit flip in the middle frame of the first
     * (sealed) segment, recovered in SKIP_CORRUPTED and in POINT_IN_TIME.
     */
    @Test
    void anomalyNamesTheDamagedSegmentOffsetAndReason() throws Exception {
        final int s = 0;
        final Layout layout = layouts[s];
        final long[] frame = layout.frames.get(layout.frames.size() / 2);
        final Image img = base.copy();
        img.files.get(segments.get(s))[(int) FrameDescriptor.payloadOffset(frame[0])] ^= 0x10;
        for (RecoveryMode mode : new RecoveryMode[]{RecoveryMode.SKIP_CORRUPTED, RecoveryMode.POINT_IN_TIME}) {
            img.writeTo(dir);
            try (Journal j = Journal.open(config(dir).recoveryMode(mode).build())) {
                final List<io.mappedjournal.RecoveryReport.Anomaly> found = new ArrayList<>();
                for (io.mappedjournal.RecoveryReport.Anomaly a : j.recoveryReport().anomalies()) {
                    if (a.file() != null && a.file().getFileName().toString().equals(segments.get(s))) {
                        found.add(a);
                    }
                }
                final String what = mode + " " + segments.get(s) + " offset=" + frame[0] + ": "
                        + j.recoveryReport().anomalies();
                assertEquals(1, found.size(), what);
                assertEquals(dir.resolve(segments.get(s)).toAbsolutePath().normalize(),
                        found.get(0).file().toAbsolutePath().normalize(), what);
                assertEquals(frame[0], found.get(0).offset(), what);
                assertTrue(found.get(0).reason().toLowerCase().contains("crc"), what);
            }
        }
    }

    // ------------------------------------------------------------------ missing and extra segments

    @Test
    void missingSegments() throws Exception {
        for (int s = 0; s < segments.size(); s++) {
            final String name = segments.get(s);
            final Image img = base.copy();
            img.files.remove(name);
            final long first = firstOf(s);
            final int lost = layouts[s].frames.size();
            for (RecoveryMode mode : MODES) {
                img.writeTo(dir);
                final CorruptJournalException refused = open(dir, mode);
                final String what = mode + ": " + name + " missing";
                if (mode == RecoveryMode.TOLERATE_TAIL || mode == RecoveryMode.ABSOLUTE) {
                    assertNotNull(refused, what);
                    assertTrue(refused.getMessage().contains(name) && refused.getMessage().contains("missing"),
                            refused.getMessage());
                    continue;
                }
                assertNull(refused, what);
                final ReadBack r = readAll(dir);
                assertNull(r.error, what);
                if (mode == RecoveryMode.POINT_IN_TIME) {
                    assertTrue(r.isPrefix(), what);
                    assertEquals(first, r.count(), what);
                } else {
                    assertEquals(records - lost, r.count(), what);
                    for (long q = first; q < first + lost; q++) {
                        assertFalse(r.sequences.contains(q), what);
                    }
                }
                appendAfterRecovery(dir, mode);
                assertEquals(r.count() + 1, readAll(dir).count(), what);
            }
        }
    }

    @Test
    void extraSegments() throws Exception {
        final String sealed0 = segments.get(0);
        // (a) a stray segment between two listed ones; (b) a stray past the end whose header does
        // not match its name (a roll adoption candidate that is not one); (c) a leftover preallocation
        final String between = SegmentFiles.segmentName(firstOf(1) + 5);
        final String beyond = SegmentFiles.segmentName(99_999_999L);
        final String[][] cases = {{between, sealed0}, {beyond, sealed0}, {"00000000000000000007.prealloc", sealed0}};
        for (String[] c : cases) {
            final Image img = base.copy();
            img.files.put(c[0], img.files.get(c[1]).clone());
            final boolean stray = c[0].endsWith(".seg");
            for (RecoveryMode mode : MODES) {
                img.writeTo(dir);
                final CorruptJournalException refused = open(dir, mode);
                final String what = mode + ": extra " + c[0];
                if (stray && (mode == RecoveryMode.TOLERATE_TAIL || mode == RecoveryMode.ABSOLUTE)) {
                    assertNotNull(refused, what);
                    assertTrue(refused.getMessage().contains(c[0]), refused.getMessage());
                    continue;
                }
                assertNull(refused, what);
                assertAll(dir, what);
                assertFalse(Files.exists(dir.resolve(c[0])), what + ": the stray file must be set aside or deleted");
                if (stray) {
                    try (var files = Files.list(dir)) {
                        assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith(c[0] + ".gen")
                                && f.getFileName().toString().endsWith(".discarded")), what + ": set aside as "
                                + c[0] + ".gen<G>.discarded");
                    }
                }
            }
        }
    }
}
