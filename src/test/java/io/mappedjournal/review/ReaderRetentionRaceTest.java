package io.mappedjournal.review;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Review2 (probabilistic): a reader that crosses a seal into the next segment while retention
 * deletes that segment. FORMAT.md: "a reader below the low-water mark moves on to the oldest
 * retained record". JournalReader.openSegmentFor's after-seal branch catches only
 * NoSuchFileException; Segment.open reports a file unlinked between its mapping and its identity
 * check as CorruptJournalException ("segment file deleted underneath the journal"), which the
 * other branch retries and this one does not.
 */
class ReaderRetentionRaceTest {
    @TempDir
    Path dir;

    @Test
    void aReaderCrossingASealNeverFailsBecauseRetentionDeletedTheNextSegment() throws Exception {
        final long seconds = Long.getLong("review.raceSeconds", 30);
        try (Journal j = Journal.open(JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(8192)
                .syncPolicy(SyncPolicy.none()).build())) {
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread writer = new Thread(() -> {
                final byte[] p = new byte[8000]; // ~8 records a segment: many rolls
                while (!stop.get()) {
                    try {
                        j.append(p);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                        return;
                    }
                }
            });
            final Thread retention = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        j.deleteSegmentsBefore(j.writtenSequence());
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                        return;
                    }
                }
            });
            writer.start();
            retention.start();
            final long end = System.nanoTime() + seconds * 1_000_000_000L;
            long crossings = 0;
            try {
                while (System.nanoTime() < end && failure.get() == null) {
                    try (JournalReader r = j.reader(Math.max(0, j.lowWaterSequence()))) {
                        for (int i = 0; i < 64; i++) {
                            final JournalRecord rec = r.next();
                            if (rec == null) {
                                break;
                            }
                            crossings++;
                        }
                    }
                }
            } catch (Exception e) {
                fail("reader failed under retention after " + crossings + " records: " + e, e);
            } finally {
                stop.set(true);
                writer.join();
                retention.join();
            }
            assertNull(failure.get(), () -> "writer/retention failed: " + failure.get());
        }
    }
}
