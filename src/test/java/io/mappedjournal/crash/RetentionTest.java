package io.mappedjournal.crash;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalClosedException;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.segment.SegmentFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.mappedjournal.crash.CrashTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Retention: whole sealed segments below a sequence go (manifest first, files after); recovery copes with a crash in between. */
class RetentionTest {
    @TempDir(factory = ShmTempDir.class)
    Path dir;

    @Test
    void deletesWholeSealedSegmentsBelowTheSequenceButNeverTheActiveOne() throws Exception {
        final int records = 3000;
        try (Journal j = Journal.open(config(dir).build())) {
            appendDurably(j, 0, records);
            final long[] before = SegmentFiles.listSegments(dir);
            assertTrue(before.length >= 5, "segments: " + before.length);
            // a sequence in the middle of the 4th segment: the first three go
            final long cut = before[3] + 5;
            final List<Path> deleted = j.deleteSegmentsBefore(cut);
            assertEquals(List.of(seg(before[0]), seg(before[1]), seg(before[2])), deleted);
            for (Path p : deleted) {
                assertFalse(Files.exists(p), p.toString());
            }
            assertEquals(before[3], j.lowWaterSequence());
            assertEquals(List.of(), j.deleteSegmentsBefore(cut), "idempotent");
            // a reader from 0 starts at the oldest retained record
            try (JournalReader r = j.reader(0)) {
                final JournalRecord first = r.next();
                assertEquals(before[3], first.sequence());
                assertArrayEquals(payload(before[3]), first.payload());
            }
            // everything below "infinity": every sealed segment, never the active one
            final List<Path> rest = j.deleteSegmentsBefore(Long.MAX_VALUE);
            final long[] after = SegmentFiles.listSegments(dir);
            assertEquals(1, after.length, "only the active segment remains");
            assertEquals(before[before.length - 1], after[0]);
            assertEquals(before.length - 4, rest.size());
            appendDurably(j, records, records + 10);
        }
        try (Journal j = Journal.open(config(dir).recoveryMode(RecoveryMode.ABSOLUTE).build())) {
            assertTrue(j.recoveryReport().anomalies().isEmpty(), j.recoveryReport().describe());
            assertEquals(records + 10, j.recoveryReport().nextSequence());
            assertEquals(SegmentFiles.listSegments(dir)[0], j.lowWaterSequence(), "the low-water mark is persistent");
        }
        assertThrows(JournalClosedException.class, () -> {
            final Journal j = Journal.open(config(dir).build());
            j.close();
            j.deleteSegmentsBefore(10);
        });
    }

    @Test
    void recoveryDeletesFilesLeftBehindByACrashBetweenTheManifestAndTheDeletion() throws Exception {
        build(dir, 2500);
        final Image before = Image.of(dir);
        final List<Path> deleted;
        try (Journal j = Journal.open(config(dir).build())) {
            deleted = j.deleteSegmentsBefore(1500);
            assertFalse(deleted.isEmpty());
        }
        // the crash: the manifest (with the new low-water mark) is durable, the unlinks are not
        for (Path p : deleted) {
            Files.write(p, before.files.get(p.getFileName().toString()));
        }
        for (RecoveryMode mode : RecoveryMode.values()) {
            for (Path p : deleted) {
                Files.write(p, before.files.get(p.getFileName().toString()));
            }
            try (Journal j = Journal.open(config(dir).recoveryMode(mode).build())) {
                assertTrue(j.recoveryReport().actions().toString().contains("below retention low-water mark"),
                        mode + ": " + j.recoveryReport().describe());
                assertTrue(j.recoveryReport().anomalies().isEmpty(), mode + ": " + j.recoveryReport().describe());
            }
            for (Path p : deleted) {
                assertFalse(Files.exists(p), mode + ": " + p);
            }
            final ReadBack r = readAll(dir);
            assertNull(r.error);
            assertEquals(SegmentFiles.listSegments(dir)[0], (long) r.sequences.get(0));
            assertEquals(2500 - 1, (long) r.sequences.get(r.sequences.size() - 1));
        }
    }

    /**
     * The interleaving is forced, not hoped for: the reader reads into the middle of segment 0 and
     * stops there, with segment 0 mapped; retention then deletes segments 0, 1 and 2 while it is
     * open; only then does the reader go on. The contract ({@link Journal#deleteSegmentsBefore}):
     * a reader keeps reading the segment it has mapped, and a reader below the low-water mark moves
     * on to the oldest retained record (the reader never returns a frame that fails its checks: the
     * only other outcome it may give is a {@code CorruptJournalException}, which here would be a
     * failure too). So: the rest of segment 0, byte for byte, from the deleted file's mapping, then
     * (segment 1 gone too) on from segment 3.
     */
    @Test
    void aReaderInsideASegmentThatRetentionDeletesReadsItToItsEndThenMovesOnToTheOldestRetained() throws Exception {
        final int records = 3000;
        try (Journal j = Journal.open(config(dir).build())) {
            appendDurably(j, 0, records);
            final long[] segs = SegmentFiles.listSegments(dir);
            assertTrue(segs.length >= 5, "segments: " + segs.length);
            final long inside = segs[1] / 2; // the middle of segment 0, which holds [0, segs[1])
            try (JournalReader r = j.reader(0)) {
                for (long s = 0; s < inside; s++) {
                    final JournalRecord rec = r.next();
                    assertNotNull(rec, "record " + s);
                    assertEquals(s, rec.sequence());
                    assertArrayEquals(payload(s), rec.payload(), "record " + s);
                    assertEquals(seg(segs[0]), rec.segment());
                }
                assertEquals(inside, r.nextSequence(), "the reader stands inside segment 0");

                // Retention, with the reader open and positioned inside the first segment it deletes.
                final List<Path> deleted = j.deleteSegmentsBefore(segs[3]);
                assertEquals(List.of(seg(segs[0]), seg(segs[1]), seg(segs[2])), deleted);
                for (Path p : deleted) {
                    assertFalse(Files.exists(p), "deleted while the reader was in segment 0: " + p);
                }
                assertEquals(segs[3], j.lowWaterSequence());
                assertEquals(segs[3], SegmentFiles.listSegments(dir)[0]);

                // Now the reader goes on: the rest of segment 0, from its (deleted) file's mapping; segments 1 and 2 are gone
                // too: then on from the oldest retained record.
                final String expected = "[" + inside + ", " + segs[1] + ") [" + segs[3] + ", " + records + ")";
                final List<Long> seen = new ArrayList<>();
                long fromDeletedFile = 0;
                for (JournalRecord rec; (rec = r.next()) != null; ) {
                    assertArrayEquals(payload(rec.sequence()), rec.payload(), "content of " + rec);
                    seen.add(rec.sequence());
                    if (rec.segment().equals(seg(segs[0]))) {
                        fromDeletedFile++;
                    }
                }
                assertEquals(segs[1] - inside, fromDeletedFile,
                        "records read from segment 0 after its file was deleted");
                assertEquals(expected, ranges(seen), "sequences read after the deletion");
            }
        }
    }

    /** Increasing sequences as half-open runs: "[245, 490) [1470, 3000)". */
    private static String ranges(List<Long> sequences) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sequences.size(); ) {
            int j = i + 1;
            while (j < sequences.size() && sequences.get(j) == sequences.get(j - 1) + 1) {
                j++;
            }
            sb.append(sb.length() == 0 ? "" : " ").append('[').append(sequences.get(i)).append(", ")
                    .append(sequences.get(j - 1) + 1).append(')');
            i = j;
        }
        return sb.toString();
    }

    private Path seg(long first) {
        return dir.resolve(SegmentFiles.segmentName(first));
    }
}
