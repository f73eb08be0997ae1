package io.mappedjournal.crash;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.Journal;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.SegmentFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
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
        final CrashTestSupport.Image img = CrashTestSupport.Image.of(dir);
        final byte[] segment0 = img.files.get(SegmentFiles.segmentName(0));
        final List<long[]> frames = new CrashTestSupport.Layout(segment0, false).frames;
        segment0[(int) frames.get(frames.size() / 2)[0] + 20] ^= 0x5a;
        img.writeTo(dir);
        final long kept;
        try (Journal j = Journal.open(config(dir).recoveryMode(RecoveryMode.POINT_IN_TIME).build())) {
            kept = j.recoveryReport().nextSequence();
            final boolean setAside;
            try (var files = Files.list(dir)) {
                setAside = files.anyMatch(f -> f.getFileName().toString().startsWith(SegmentFiles.segmentName(second) + ".gen"));
            }
            assertTrue(setAside,
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
}
