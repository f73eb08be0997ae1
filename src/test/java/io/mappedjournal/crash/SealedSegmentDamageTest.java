package io.mappedjournal.crash;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.Journal;
import io.mappedjournal.JournalReader;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.recovery.RecoveryPlan;
import io.mappedjournal.recovery.RecoveryScan;
import io.mappedjournal.segment.SegmentFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A flipped byte in a sealed segment (issue 11, defect 5): the default open refuses it naming the
 * segment and the offset, exactly where the reader and the salvaging modes place it.
 */
class SealedSegmentDamageTest {
    /** Damages record 5 of segment 0 (sealed) and returns the offset of its frame. */
    static long flipPayloadByteOfRecordFive(Path dir) throws Exception {
        final CrashTestSupport.Layout layout = new CrashTestSupport.Layout(
                CrashTestSupport.Image.of(dir).files.get(SegmentFiles.segmentName(0)), false);
        assertTrue(layout.sealed, "segment 0 is sealed");
        final long frame = layout.frames.get(5)[0];
        try (FileChannel ch = FileChannel.open(SegmentFiles.segmentPath(dir, 0), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            final ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, FrameDescriptor.payloadOffset(frame) + 4);
            one.put(0, (byte) (one.get(0) ^ 0x10));
            ch.write(one.flip(), FrameDescriptor.payloadOffset(frame) + 4);
        }
        return frame;
    }

    @Test
    void shouldRefuseToOpenAJournalWithAFlippedByteInASealedSegmentWhereTheReaderFindsIt(@TempDir Path dir)
            throws Exception {
        CrashTestSupport.build(dir, 1500);
        final long frame = flipPayloadByteOfRecordFive(dir);
        final String where = SegmentFiles.segmentName(0) + " offset=" + frame;

        final CorruptJournalException read = assertThrows(CorruptJournalException.class, () -> {
            try (JournalReader r = JournalReader.open(dir, 0)) {
                while (r.next() != null) {
                    // read to the damage
                }
            }
        });
        assertTrue(read.getMessage().contains(" offset=" + frame + " "), read.getMessage());

        final CorruptJournalException open = assertThrows(CorruptJournalException.class,
                () -> Journal.open(CrashTestSupport.config(dir).build()).close());
        assertTrue(open.getMessage().contains(where + ": CRC mismatch"), open.getMessage());
        assertTrue(open.getMessage().contains("before the durable checkpoint at the seal"), open.getMessage());

        final RecoveryPlan salvage = RecoveryScan.scan(dir, RecoveryMode.SKIP_CORRUPTED);
        assertEquals(1, salvage.steps(RecoveryPlan.SkipRange.class).size(), salvage.report.describe());
        assertEquals(frame, salvage.steps(RecoveryPlan.SkipRange.class).get(0).offset(), salvage.report.describe());
        assertEquals(frame + FrameDescriptor.frameLength(CrashTestSupport.size(5)),
                frame + salvage.steps(RecoveryPlan.SkipRange.class).get(0).length(), "resumes at the next frame: " + salvage.report.describe());
        final CorruptJournalException pit = assertThrows(CorruptJournalException.class,
                () -> RecoveryScan.scan(dir, RecoveryMode.ABSOLUTE));
        assertTrue(pit.getMessage().contains(where + ": CRC mismatch"), pit.getMessage());
    }
}
