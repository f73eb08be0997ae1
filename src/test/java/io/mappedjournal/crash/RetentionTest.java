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
import java.util.concurrent.atomic.AtomicReference;

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

    @Test
    void readersKeepWorkingWhileRetentionDeletesUnderThem() throws Exception {
        try (Journal j = Journal.open(config(dir).build())) {
            appendDurably(j, 0, 3000);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Long> seen = new ArrayList<>();
            final Thread reader = new Thread(() -> {
                try (JournalReader r = j.reader(0)) {
                    for (JournalRecord rec; (rec = r.next()) != null; ) {
                        assertArrayEquals(payload(rec.sequence()), rec.payload());
                        seen.add(rec.sequence());
                        if (seen.size() % 97 == 0) {
                            Thread.sleep(1);
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            reader.start();
            for (long s = 500; s <= 3000; s += 500) {
                j.deleteSegmentsBefore(s);
                Thread.sleep(5);
            }
            reader.join();
            assertNull(failure.get(), () -> "reader failed: " + failure.get());
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i) > seen.get(i - 1));
            }
            assertEquals(2999L, seen.get(seen.size() - 1));
        }
    }

    private Path seg(long first) {
        return dir.resolve(SegmentFiles.segmentName(first));
    }
}
