package io.mappedjournal.tools;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.format.FrameDecoder;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.FrameEncoder;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.ManifestDescriptor;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.SegmentFiles;
import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * verify, recover, dump, Journal.open and the reader agree on damaged journals (one frame decoder,
 * one resynchronisation rule: issue 11 defect 5, issue 14 item 7), recover prints what it did
 * (issue 11 defect 6), and empty records survive the tool's demo (issue 11 defect 1).
 */
class DecoderAgreementTest {
    @TempDir
    Path tmp;

    /** Offsets of the frames of segment {@code first} in {@code dir}. */
    static List<Long> frames(Path dir, long first) throws Exception {
        final byte[] bytes = Files.readAllBytes(SegmentFiles.segmentPath(dir, first));
        final BytesStore<?, ?> store = BytesStore.wrap(bytes);
        final FrameDecoder d = new FrameDecoder();
        final List<Long> out = new ArrayList<>();
        for (long off = SegmentHeaderDescriptor.DATA_OFFSET; d.decode(store, off, bytes.length, -1) == FrameDecoder.VALID;
             off += d.frameLength()) {
            out.add(off);
        }
        return out;
    }

    static void xorByte(Path file, long at, int mask) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            final ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, at);
            one.put(0, (byte) (one.get(0) ^ mask));
            ch.write(one.flip(), at);
        }
    }

    static String readerError(Path dir) throws Exception {
        try (JournalReader r = JournalReader.open(dir, 0)) {
            while (r.next() != null) {
                // read to the damage
            }
            return null;
        } catch (CorruptJournalException e) {
            return e.getMessage();
        }
    }

    static String anomalyLine(String out, String prefix) {
        for (String line : out.split("\n")) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    @Test
    void everyToolAndTheLibraryPlaceAFlippedByteInASealedSegmentAlike() throws Exception {
        final Path dir = Cli.copyFixture("clean", tmp);
        final String seg = SegmentFiles.segmentName(0);
        final List<Long> frames = frames(dir, 0);
        final long bad = frames.get(5);
        final long next = frames.get(6);
        xorByte(dir.resolve(seg), FrameDescriptor.payloadOffset(bad) + 1, 0x04);

        final Cli.Run verify = Cli.run("verify", dir.toString());
        assertEquals(1, verify.exit, verify.toString());
        final String anomaly = anomalyLine(verify.out, "ANOMALY " + seg + " offset " + bad + ": CRC mismatch");
        assertNotNull(anomaly, verify.out);
        assertTrue(anomaly.contains("; next frame at offset " + next + " (sequence 6)"), anomaly);

        final Cli.Run dryRun = Cli.run("recover", dir.toString(), "--dry-run");
        assertEquals(1, dryRun.exit, dryRun.toString());
        assertTrue(dryRun.err.contains(seg + " offset=" + bad + ": CRC mismatch"), dryRun.toString());

        final Cli.Run salvage = Cli.run("recover", dir.toString(), "--dry-run", "--mode", "skip-corrupted");
        assertTrue(salvage.out.contains("action: cover " + seg + " [" + bad + ", " + next + ") with a skip frame"),
                salvage.toString());

        final Cli.Run dump = Cli.run("dump", dir.toString());
        assertTrue(dump.err.contains("journal dump: " + seg + " offset " + bad + ": CRC mismatch"), dump.err);

        final CorruptJournalException open = assertThrows(CorruptJournalException.class,
                () -> Journal.open(FixtureGenerator.config(dir)).close());
        assertTrue(open.getMessage().contains(seg + " offset=" + bad + ": CRC mismatch"), open.getMessage());
        final String read = readerError(dir);
        assertNotNull(read, "the reader returned the damaged record");
        assertTrue(read.contains("segment=" + dir.resolve(seg) + " offset=" + bad + " "), read);
    }

    @Test
    void aPayloadEmbeddingAValidLookingFrameIsSteppedOverByTheToolsAndByRecovery() throws Exception {
        final Path dir = tmp.resolve("embedded");
        final int victim = 10;
        try (Journal j = Journal.open(FixtureGenerator.config(dir))) {
            for (long s = 0; s < 20; s++) {
                final byte[] p = FixtureGenerator.payload(s);
                if (s == victim) {
                    // a complete, valid frame for the next sequence inside this record's payload
                    final byte[] inner = "forged".getBytes();
                    final ByteBuffer f = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
                    f.putInt(0, FrameDescriptor.commitWord(inner.length));
                    f.putInt(4, FrameEncoder.crcOf(inner.length, victim + 1, inner, 0));
                    f.putLong(8, victim + 1);
                    f.put(16, inner);
                    final byte[] withFrame = new byte[8 + 64];
                    System.arraycopy(f.array(), 0, withFrame, 8, 64);
                    j.append(withFrame);
                } else {
                    j.append(p);
                }
            }
            j.flush();
        }
        final String seg = SegmentFiles.segmentName(0);
        final List<Long> frames = frames(dir, 0);
        final long bad = frames.get(victim);
        final long next = frames.get(victim + 1);
        xorByte(dir.resolve(seg), FrameDescriptor.payloadOffset(bad), 0x01); // outside the embedded frame

        final Cli.Run verify = Cli.run("verify", dir.toString());
        final String anomaly = anomalyLine(verify.out, "ANOMALY " + seg + " offset " + bad + ": CRC mismatch");
        assertNotNull(anomaly, verify.out);
        assertTrue(anomaly.contains("; next frame at offset " + next + " (sequence " + (victim + 1) + ")"), anomaly);
        final Cli.Run salvage = Cli.run("recover", dir.toString(), "--dry-run", "--mode", "skip-corrupted");
        assertTrue(salvage.out.contains("action: cover " + seg + " [" + bad + ", " + next + ") with a skip frame"),
                salvage.toString());
        assertEquals(0, Cli.run("recover", dir.toString(), "--mode", "skip-corrupted").exit);
        final List<String> payloads = new ArrayList<>();
        try (JournalReader r = JournalReader.open(dir, 0)) {
            for (JournalRecord rec; (rec = r.next()) != null; ) {
                payloads.add(rec.sequence() + ":" + rec.length());
                assertNotEquals("forged", new String(rec.payload()), "the embedded frame was returned as a record");
            }
        }
        assertEquals(19, payloads.size(), payloads.toString());
    }

    @Test
    void recoverAppliesAnAdoptedRollAndSaysSo() throws Exception {
        final Path dir = tmp.resolve("adopt");
        final JournalConfig config = FixtureGenerator.config(dir);
        final byte[][] slots = new byte[2][];
        try (Journal j = Journal.open(config)) {
            for (long s = 0; s < 100; s++) {
                j.append(FixtureGenerator.payload(s));
            }
            j.flush();
            for (int slot = 0; slot < 2; slot++) {
                final Path p = dir.resolve(ManifestDescriptor.slotName(slot));
                slots[slot] = Files.exists(p) ? Files.readAllBytes(p) : null;
            }
            for (long s = 100; s < 1000; s++) {
                j.append(FixtureGenerator.payload(s));
            }
            j.flush();
            assertTrue(SegmentFiles.listSegments(dir).length >= 2, "rolled");
        }
        // the manifests as they were before the roll: the newer segment is not named
        final long[] segs = SegmentFiles.listSegments(dir);
        for (int i = 2; i < segs.length; i++) {
            Files.delete(SegmentFiles.segmentPath(dir, segs[i]));
        }
        for (int slot = 0; slot < 2; slot++) {
            final Path p = dir.resolve(ManifestDescriptor.slotName(slot));
            if (slots[slot] == null) {
                Files.deleteIfExists(p);
            } else {
                Files.write(p, slots[slot]);
            }
        }
        final String adopted = SegmentFiles.segmentName(segs[1]);

        final Cli.Run dryRun = Cli.run("recover", dir.toString(), "--dry-run");
        assertTrue(dryRun.out.contains("  action: adopt " + adopted + " "), dryRun.toString());
        assertTrue(dryRun.out.endsWith("result: needs repair; run without --dry-run to apply the actions above\n"),
                dryRun.toString());
        final Cli.Run run = Cli.run("recover", dir.toString());
        assertEquals(0, run.exit, run.toString());
        assertTrue(run.out.contains("  action: adopt " + adopted + " "), run.toString());
        assertTrue(run.out.matches("(?s).*\nresult: repaired; manifest generation \\d+ written, next sequence \\d+\n"),
                run.toString());
        final Cli.Run again = Cli.run("recover", dir.toString());
        assertEquals(0, again.exit, again.toString());
        assertFalse(again.out.contains("action: adopt"), "the adoption was applied: " + again);
        assertTrue(again.out.endsWith("result: clean, nothing to do\n"), again.toString());
    }

    @Test
    void recoverDeletesALeftoverPreallocationItReportsDeleting() throws Exception {
        final Path dir = Files.createDirectories(tmp.resolve("prealloc-only"));
        final Path prealloc = dir.resolve("00000000000000000000.prealloc");
        Files.write(prealloc, new byte[4096]);
        final Cli.Run dryRun = Cli.run("recover", dir.toString(), "--dry-run");
        assertTrue(dryRun.out.contains("  action: delete unused preallocated segment 00000000000000000000.prealloc\n"),
                dryRun.toString());
        assertTrue(Files.exists(prealloc), "a dry run changes nothing");
        final Cli.Run run = Cli.run("recover", dir.toString());
        assertEquals(0, run.exit, run.toString());
        assertTrue(run.out.contains("  action: delete unused preallocated segment 00000000000000000000.prealloc\n"),
                run.toString());
        assertTrue(run.out.endsWith("  deleted: 00000000000000000000.prealloc\n"
                + "result: no journal here; deleted 1 unused preallocated segment(s)\n"), run.toString());
        assertFalse(Files.exists(prealloc), "recover said it deletes the preallocation: " + run);
    }

    @Test
    void theDemoWithEmptyRecordsLeavesAJournalThatReopensWithEveryRecord() throws Exception {
        final Path dir = tmp.resolve("demo");
        final Cli.Run demo = Cli.run("demo", "--dir", dir.toString(), "--record-size", "0", "--seconds", "1",
                "--threads", "2");
        assertEquals(0, demo.exit, demo.toString());
        try (Journal j = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).build());
             JournalReader r = j.reader(0)) {
            final long next = j.recoveryReport().nextSequence();
            assertTrue(next > 0, j.recoveryReport().describe());
            long n = 0;
            for (JournalRecord rec; (rec = r.next()) != null; n++) {
                assertEquals(n, rec.sequence());
                assertEquals(0, rec.length());
            }
            assertEquals(next, n, "records read back of the " + next + " recovered");
        }
        final Cli.Run verify = Cli.run("verify", dir.toString());
        assertEquals(0, verify.exit, verify.toString());
    }
}
