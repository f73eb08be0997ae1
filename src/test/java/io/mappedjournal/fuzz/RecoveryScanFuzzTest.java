package io.mappedjournal.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.FrameEncoder;
import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestCodec;
import io.mappedjournal.manifest.ManifestDescriptor;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.recovery.RecoveryPlan;
import io.mappedjournal.recovery.RecoveryScan;
import io.mappedjournal.segment.SegmentFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fuzzes the recovery scan end to end: a journal directory of one or two 64 KiB segments with
 * a valid header (or a fuzzed one) and fuzzed frame bytes, plus a manifest that is valid,
 * fuzzed or absent, scanned in every mode. The scan may only return a plan or refuse with
 * CorruptJournalException naming what is wrong; a plan's segments are ordered and its next
 * sequence is where its last segment ends; and the real invariant, checked on the bytes with an
 * independent parser and {@link java.util.zip.CRC32C}: every frame the plan keeps (everything
 * before a kept segment's valid length) is a whole frame whose CRC32C matches, in sequence (a
 * gap only after a skip frame or a planned skip range, which only skip-corrupted plans), so no
 * mode but skip-corrupted keeps a frame after a bad one, and nothing kept is zeroed.
 *
 * <p>Replayed in every test run from {@code src/test/resources/io/mappedjournal/fuzz/RecoveryScanFuzzTestInputs/scan/};
 * a real session: {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=60s ./mvnw -f journal.xml test -Dtest='RecoveryScanFuzzTest#scan'}.
 */
class RecoveryScanFuzzTest {
    private static final int SEGMENT = 64 << 10;

    @FuzzTest(maxDuration = "60s")
    void scan(FuzzedDataProvider data) throws IOException {
        final Path dir = Files.createTempDirectory(Path.of(Files.isWritable(Path.of("/dev/shm")) ? "/dev/shm"
                : System.getProperty("java.io.tmpdir")), "fuzz-scan-");
        try {
            final int segments = data.consumeInt(1, 2);
            final List<Manifest.Entry> entries = new ArrayList<>();
            long first = 0;
            for (int s = 0; s < segments; s++) {
                final byte[] seg = new byte[SEGMENT];
                final byte[] header = data.consumeBoolean() ? new SegmentHeader(s, first, SEGMENT, 1).toBytes()
                        : data.consumeBytes(64);
                System.arraycopy(header, 0, seg, 0, Math.min(64, header.length));
                // real frames (so the fuzzer starts from valid data), then fuzzed edits
                final int frames = data.consumeInt(0, 40);
                int at = 64;
                for (int f = 0; f < frames && at + 16 + 300 < SEGMENT; f++) {
                    final byte[] payload = data.consumeBytes(data.consumeInt(0, 300));
                    final long sequence = first + f + (data.consumeInt(0, 15) == 0 ? data.consumeInt(-2, 2) : 0);
                    final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(seg).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    b.putInt(at + 4, FrameEncoder.crcOf(payload.length, sequence, payload, 0));
                    b.putLong(at + 8, sequence);
                    System.arraycopy(payload, 0, seg, at + 16, payload.length);
                    b.putInt(at, FrameDescriptor.commitWord(payload.length));
                    at += (int) FrameDescriptor.frameLength(payload.length);
                }
                if (s < segments - 1 || data.consumeBoolean()) {
                    java.nio.ByteBuffer.wrap(seg).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(at, -1); // seal
                }
                final int edits = data.consumeInt(0, 4);
                for (int k = 0; k < edits; k++) {
                    seg[data.consumeInt(0, Math.min(SEGMENT - 1, at + 64))] = data.consumeByte();
                }
                if (data.consumeInt(0, 7) == 0) {
                    final byte[] body = data.consumeBytes(SEGMENT - 64);
                    System.arraycopy(body, 0, seg, 64, body.length);
                }
                final int fileLength = data.consumeBoolean() ? SEGMENT : data.consumeInt(0, SEGMENT + 64);
                final byte[] file = java.util.Arrays.copyOf(seg, fileLength);
                Files.write(dir.resolve(SegmentFiles.segmentName(first)), file);
                final long next = first + data.consumeInt(0, 100);
                entries.add(new Manifest.Entry(first, next, s, data.consumeInt(64, SEGMENT), s < segments - 1));
                first = next;
            }
            final int manifestKind = data.consumeInt(0, 2);
            if (manifestKind == 0) {
                Files.write(dir.resolve(ManifestDescriptor.slotName(1)),
                        ManifestCodec.encode(new Manifest(1, 0, false, entries)));
            } else if (manifestKind == 1) {
                Files.write(dir.resolve(ManifestDescriptor.slotName(0)), data.consumeBytes(512));
            }
            for (RecoveryMode mode : RecoveryMode.values()) {
                try {
                    final RecoveryPlan plan = RecoveryScan.scan(dir, mode);
                    long previous = -1;
                    for (Manifest.Entry e : plan.segments) {
                        assertTrue(e.firstSequence >= previous && e.nextSequence >= e.firstSequence, e.toString());
                        previous = e.nextSequence;
                    }
                    if (!plan.segments.isEmpty()) {
                        assertEquals(plan.segments.get(plan.segments.size() - 1).nextSequence, plan.nextSequence);
                    }
                    assertKeptFramesValid(dir, plan, mode);
                    assertNotNull(plan.report.describe());
                } catch (CorruptJournalException refused) {
                    assertTrue(refused.getMessage().contains("refused") || refused.getMessage().contains(".seg"),
                            refused.getMessage());
                }
            }
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    /** The oracle: parses each kept segment's bytes on its own (not with FrameDecoder). */
    static void assertKeptFramesValid(Path dir, RecoveryPlan plan, RecoveryMode mode) throws IOException {
        for (Manifest.Entry e : plan.segments) {
            final Path path = SegmentFiles.segmentPath(dir, e.firstSequence);
            final byte[] f = Files.readAllBytes(path);
            final ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
            final String where = mode + " " + path.getFileName() + " kept up to " + e.validLength + ": ";
            assertTrue(e.validLength >= 64 && (e.validLength == 64 || e.validLength <= f.length), where + "file length " + f.length);
            long off = 64;
            long expected = e.firstSequence;
            boolean afterSkip = false;
            while (off < e.validLength) {
                final RecoveryPlan.SkipRange planned = skipAt(plan, path, off);
                if (planned != null) {
                    assertEquals(RecoveryMode.SKIP_CORRUPTED, mode, where + "a skip range planned at " + off);
                    off += planned.length();
                    afterSkip = true;
                    continue;
                }
                assertTrue(off + 16 <= f.length, where + "a frame header past the file's end at " + off);
                final int commit = b.getInt((int) off);
                if (commit < -1) {
                    // a skip frame an earlier skip-corrupted recovery wrote
                    assertEquals(0, -commit % 8, where + "skip frame length at " + off);
                    assertEquals(FrameDescriptor.skipCheck(commit), b.getInt((int) off + 4), where + "skip check at " + off);
                    off += -(long) commit;
                    afterSkip = true;
                    continue;
                }
                assertTrue(commit > 0, where + "kept range holds no frame at " + off + " (commit word " + commit + ")");
                final int length = commit - 1;
                assertTrue(off + 16 + length <= e.validLength, where + "frame at " + off + " runs past the kept range");
                final CRC32C crc = new CRC32C();
                crc.update(f, (int) off, 4);
                crc.update(f, (int) off + 8, 8);
                crc.update(f, (int) off + 16, length);
                assertEquals((int) crc.getValue(), b.getInt((int) off + 4), where + "kept frame at " + off + " fails its CRC32C");
                final long sequence = b.getLong((int) off + 8);
                if (afterSkip) {
                    assertTrue(sequence >= expected, where + "sequence " + sequence + " after a skip, expected >= " + expected);
                } else {
                    assertEquals(expected, sequence, where + "kept frame at " + off + " out of sequence");
                }
                expected = sequence + 1;
                afterSkip = false;
                off += FrameDescriptor.frameLength(length);
            }
            assertEquals(e.validLength, off, where + "the kept range ends inside a frame");
            assertEquals(e.nextSequence, expected, where + "next sequence");
            for (RecoveryPlan.ZeroRange z : plan.steps(RecoveryPlan.ZeroRange.class)) {
                if (z.file().equals(path)) {
                    assertTrue(z.offset() >= e.validLength, where + "zeroes kept bytes from " + z.offset());
                }
            }
        }
    }

    private static RecoveryPlan.SkipRange skipAt(RecoveryPlan plan, Path path, long offset) {
        for (RecoveryPlan.SkipRange s : plan.steps(RecoveryPlan.SkipRange.class)) {
            if (s.file().equals(path) && s.offset() == offset) {
                return s;
            }
        }
        return null;
    }
}
