package io.mappedjournal.crash;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.Journal;
import io.mappedjournal.format.FrameDecoder;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.SegmentFiles;
import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static io.mappedjournal.crash.CrashTestSupport.appendDurably;
import static io.mappedjournal.crash.CrashTestSupport.config;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Found by review: a point-in-time recovery leaves {@code <segment>.gen<G>.discarded} behind. When the
 * journal later grows back over the same sequence, its new segment gets the same name. If that
 * (acknowledged, listed) segment then goes missing, default recovery must refuse naming it, as it
 * does for any listed segment that is missing: it must not take the stale {@code .discarded} file
 * of the earlier recovery for "an interrupted recovery" and silently cut the journal there.
 */
class StaleDiscardTest {
    @TempDir(factory = ShmTempDir.class)
    Path tmp;

    @Test
    void aMissingSegmentIsRefusedEvenIfAnOldRecoverySetAsideAFileOfTheSameName() throws Exception {
        final Path dir = tmp.resolve("j");
        long next;
        try (Journal j = Journal.open(config(dir).syncPolicy(SyncPolicy.none()).build())) {
            long s = 0;
            while (SegmentFiles.listSegments(dir).length < 2) {
                appendDurably(j, s, s + 20);
                s += 20;
            }
            next = s;
        }
        final long[] first = SegmentFiles.listSegments(dir);
        final long second = first[1];
        // A flipped byte in the middle of the sealed first segment; point-in-time keeps the prefix.
        final List<Long> frames = frames(SegmentFiles.segmentPath(dir, 0));
        final long victim = frames.get(frames.size() / 2);
        xorByte(SegmentFiles.segmentPath(dir, 0), victim + 20);
        final long kept;
        try (Journal j = Journal.open(config(dir).recoveryMode(RecoveryMode.POINT_IN_TIME).build())) {
            kept = j.recoveryReport().nextSequence();
            assertTrue(Files.exists(SegmentFiles.discardedPath(SegmentFiles.segmentPath(dir, second), 2))
                    || Files.list(dir).anyMatch(f -> f.getFileName().toString().startsWith(SegmentFiles.segmentName(second) + ".gen")),
                    "precondition: the cut set the second segment aside: " + j.recoveryReport().describe());
            // The application writes the same records again: the journal rolls at the same sequence.
            long s = kept;
            while (!Files.exists(SegmentFiles.segmentPath(dir, second)) || s < second + 50) {
                appendDurably(j, s, s + 10);
                s += 10;
            }
            next = s;
        }
        assertTrue(Files.exists(SegmentFiles.segmentPath(dir, second)),
                "precondition: the new segment has the old one's name");
        // Records [second, next) are acknowledged durable and live in that segment. It goes missing.
        Files.delete(SegmentFiles.segmentPath(dir, second));

        String outcome;
        try (Journal j = Journal.open(config(dir).build())) {
            outcome = "opened: next sequence " + j.recoveryReport().nextSequence() + " (records [" + second + ", "
                    + next + ") acknowledged durable are gone), anomalies=" + j.recoveryReport().anomalies()
                    + " report=" + j.recoveryReport().describe().replace('\n', ';');
        } catch (CorruptJournalException e) {
            assertTrue(e.getMessage().contains(SegmentFiles.segmentName(second)), e.getMessage());
            return;
        }
        fail("default (tolerate-tail) recovery must refuse a missing listed segment, naming it; it " + outcome);
    }

    static List<Long> frames(Path segment) throws Exception {
        final byte[] bytes = Files.readAllBytes(segment);
        final BytesStore<?, ?> store = BytesStore.wrap(bytes);
        final FrameDecoder d = new FrameDecoder();
        final List<Long> out = new ArrayList<>();
        for (long off = SegmentHeaderDescriptor.DATA_OFFSET; d.decode(store, off, bytes.length, -1) == FrameDecoder.VALID;
             off += d.frameLength()) {
            out.add(off);
        }
        return out;
    }

    static void xorByte(Path file, long at) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            final ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x5a));
            ch.write(one.flip(), at);
        }
    }
}
