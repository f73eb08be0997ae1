package io.mappedjournal.inspect;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public inspection API the tools use: files, manifest slots, frames through the journal's decoder, recovery. */
class InspectTest {
    @TempDir
    Path dir;

    private void writeJournal(int records) throws IOException {
        final JournalConfig config = JournalConfig.builder(dir).segmentSize(1 << 20).maxRecordSize(4096)
                .syncPolicy(SyncPolicy.none()).build();
        try (Journal journal = Journal.open(config)) {
            for (int i = 0; i < records; i++) {
                journal.append(("record-" + i).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void shouldNameTheFilesOfAJournal() throws IOException {
        writeJournal(3);
        final long[] segments = JournalFiles.listSegments(dir);
        assertArrayEquals(new long[]{0}, segments);
        assertEquals("00000000000000000000.seg", JournalFiles.segmentName(0));
        assertEquals(dir.resolve("00000000000000000000.seg"), JournalFiles.segmentPath(dir, 0));
        assertEquals(0, JournalFiles.firstSequenceOf("00000000000000000000.seg"));
        assertEquals(-1, JournalFiles.firstSequenceOf("manifest.0"));
        assertEquals(dir.resolve("journal.lock"), JournalFiles.lockFile(dir));
        assertTrue(JournalFiles.isPreallocated("00000000000000000001.prealloc"));
        assertFalse(JournalFiles.isPreallocated("00000000000000000001.seg"));
        for (Path p : JournalFiles.listPreallocated(dir)) {
            assertTrue(JournalFiles.isPreallocated(p.getFileName().toString()), p.toString());
        }
        assertEquals(64, JournalFiles.dataOffset());
        assertEquals(JournalFiles.frameLength(8), 16 + 8);
        assertEquals(JournalFiles.frameLength(9), 16 + 16);
    }

    @Test
    void shouldReadBothManifestSlotsAndTheOneInUse() throws IOException {
        writeJournal(3);
        final ManifestInfo chosen = Manifests.read(dir);
        assertNotNull(chosen);
        assertTrue(chosen.clean());
        assertEquals(0, chosen.lowWaterSequence());
        final SegmentEntry active = chosen.active();
        assertTrue(active.equals(new SegmentEntry(0, 3, 0, active.validLength(), false)), active.toString());
        assertEquals(0, active.firstSequence());
        assertEquals(3, active.nextSequence());
        assertEquals(0, active.segmentIndex());
        assertFalse(active.sealed());
        assertTrue(active.validLength() > JournalFiles.dataOffset());
        assertEquals(List.of(active), chosen.segments());
        final List<ManifestSlot> slots = Manifests.readSlots(dir);
        assertEquals(2, slots.size());
        int inUse = 0;
        for (ManifestSlot s : slots) {
            assertTrue(s.name().startsWith("manifest"), s.name());
            if (s.present() && s.manifest() != null && s.manifest().generation() == chosen.generation()) {
                inUse++;
                assertNull(s.problem());
                assertTrue(s.manifest().equals(chosen) && s.manifest().hashCode() == chosen.hashCode(), s.toString());
                assertTrue(s.equals(new ManifestSlot(s.name(), true, chosen, null)) && s.hashCode() != 0);
            }
        }
        assertEquals(1, inUse);
        assertTrue(chosen.toString().contains("generation=" + chosen.generation()), chosen.toString());
        assertTrue(active.toString().contains("nextSequence=3") && active.hashCode() == active.hashCode());
        assertTrue(new ManifestInfo(1, 0, false, List.of()).active() == null);
    }

    @Test
    void shouldWalkFramesThroughTheJournalsDecoder() throws IOException {
        writeJournal(3);
        final Path path = JournalFiles.segmentPath(dir, 0);
        try (SegmentReader segment = SegmentReader.open(path)) {
            final SegmentHeaderInfo header = segment.header();
            assertEquals(new SegmentHeaderInfo(0, 0, Files.size(path)), header);
            assertEquals(0, header.segmentIndex());
            assertEquals(0, header.firstSequence());
            assertEquals(segment.length(), header.segmentLength());
            assertTrue(header.toString().contains("segmentLength") && header.hashCode() == header.hashCode()
                    && header.equals(header));
            final FrameCursor cursor = segment.cursor();
            long offset = JournalFiles.dataOffset();
            for (int i = 0; i < 3; i++) {
                assertEquals(FrameStatus.VALID, cursor.decode(offset, i));
                assertEquals(i, cursor.sequence());
                final byte[] payload = ("record-" + i).getBytes(StandardCharsets.UTF_8);
                assertArrayEquals(payload, java.util.Arrays.copyOf(cursor.payload(), cursor.length()));
                assertEquals(payload.length, cursor.length());
                assertEquals(cursor.storedCrc(), cursor.actualCrc());
                assertEquals(JournalFiles.frameLength(payload.length), cursor.frameLength());
                offset += cursor.frameLength();
            }
            assertEquals(FrameStatus.END, cursor.decode(offset, 3));
            assertEquals(offset, segment.lastNonZero(offset));
            assertEquals(FrameStatus.BAD_SEQUENCE, cursor.decode(JournalFiles.dataOffset(), 7));
            // the frame after the first, found by recovery's resynchronisation rule
            assertEquals(JournalFiles.dataOffset() + JournalFiles.frameLength(8),
                    cursor.resync(JournalFiles.dataOffset(), JournalFiles.frameLength(8), 1, Long.MAX_VALUE));
        }
        final Set<FrameStatus> all = EnumSet.of(FrameStatus.VALID, FrameStatus.END, FrameStatus.SEALED,
                FrameStatus.SEGMENT_END, FrameStatus.BAD_LENGTH, FrameStatus.BAD_CRC, FrameStatus.BAD_SEQUENCE,
                FrameStatus.SKIP);
        assertEquals(EnumSet.allOf(FrameStatus.class), all);
    }

    @Test
    void shouldScanDescribeAndRepairATornTail() throws IOException {
        writeJournal(3);
        final Path path = JournalFiles.segmentPath(dir, 0);
        final long end = Manifests.read(dir).active().validLength();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            // a torn frame after the last one: a length word with nothing valid behind it
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 99).putInt(4, 1), end);
        }
        assertThrows(CorruptJournalException.class, () -> Recovery.scan(dir, RecoveryMode.ABSOLUTE));
        final Recovery recovery = Recovery.scan(dir, RecoveryMode.TOLERATE_TAIL);
        assertFalse(recovery.fresh());
        assertTrue(recovery.needsRepair());
        assertEquals(3, recovery.report().nextSequence());
        final List<Recovery.ChangedRange> ranges = recovery.changedRanges();
        assertEquals(List.of(new Recovery.ChangedRange(path, end, 8)), ranges);
        final Recovery.ChangedRange r = ranges.get(0);
        assertTrue(r.file().equals(path) && r.offset() == end && r.length() == 8 && r.hashCode() == r.hashCode()
                && r.equals(new Recovery.ChangedRange(path, end, 8)) && r.toString().contains("length=8"));
        // the steps in repair's order: the zeroing, the sync of the valid frames, then the manifest
        assertEquals(List.of("zero " + path.getFileName() + " [" + end + ", " + (end + 8) + ")",
                "sync " + path.getFileName() + " [64, " + end + ")", "write manifest generation "
                        + (Manifests.read(dir).generation() + 1)), recovery.steps());
        assertEquals(List.of("zero " + path.getFileName() + " [" + end + ", " + (end + 8) + ")"),
                recovery.report().actions());
        final long generation = recovery.repair(true);
        assertEquals(generation, Manifests.read(dir).generation());
        assertTrue(Files.exists(path.resolveSibling(path.getFileName() + "." + end + ".broken")));
        assertFalse(Recovery.scan(dir, RecoveryMode.ABSOLUTE).needsRepair());
    }
}
