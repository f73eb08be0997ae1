package io.mappedjournal.crash;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A reader crossing a seal opens the next segment while retention deletes it: the file is unlinked
 * after the reader mapped it and before the identity check (a {@link Segment} seam puts the delete
 * exactly there). The reader must continue at the oldest retained record, as a reader below the
 * low-water mark does, not fail with "segment file deleted underneath the journal" (found by a
 * reviewer's race test, which needed 2 to 14 s of racing; this one is deterministic).
 */
class ReaderRetentionRaceTest {
    @TempDir
    Path dir;

    @Test
    void aReaderCrossingASealContinuesAtTheOldestRetainedWhenRetentionDeletesTheNextSegmentUnderIt() throws Exception {
        try (Journal j = Journal.open(JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(8192)
                .syncPolicy(SyncPolicy.none()).build())) {
            long last = -1;
            while (SegmentFiles.listSegments(dir).length < 4) {
                last = j.append(new byte[1000]);
            }
            assertTrue(j.awaitDurable(last, 10, TimeUnit.SECONDS));
            final long[] firsts = SegmentFiles.listSegments(dir);
            final Path successor = SegmentFiles.segmentPath(dir, firsts[1]);
            final AtomicInteger deletes = new AtomicInteger();
            try (JournalReader r = j.reader(0)) {
                for (long s = 0; s < firsts[1]; s++) {
                    final JournalRecord rec = r.next();
                    assertNotNull(rec, "record " + s);
                    assertEquals(s, rec.sequence());
                }
                // The reader is at segment 0's seal; crossing it opens segment 1, which retention
                // deletes (with segment 0) between the mapping and the identity check.
                Segment.afterMapForTest(path -> {
                    if (path.equals(successor) && deletes.getAndIncrement() == 0) {
                        try {
                            assertEquals(2, j.deleteSegmentsBefore(firsts[2]).size());
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
                final JournalRecord next;
                try {
                    next = r.next();
                } finally {
                    Segment.afterMapForTest(null);
                }
                assertEquals(1, deletes.get(), "the delete ran while the reader opened " + successor);
                assertFalse(Files.exists(successor), "retention deleted " + successor);
                assertNotNull(next, "the reader stopped after the deleted segment");
                assertEquals(firsts[2], next.sequence(), "the reader continues at the oldest retained record");
                assertEquals(firsts[2], j.lowWaterSequence());
            }
        }
    }
}
