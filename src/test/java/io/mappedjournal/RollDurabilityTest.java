package io.mappedjournal;

import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, item 3: a roll syncs the segment it seals, so what it sealed is durable; the journal
 * must say so (durable watermark, each writer's durable position, the durable reader) without
 * waiting for a sync of its own that, while segments roll faster than the batch interval, never
 * comes.
 */
class RollDurabilityTest {
    private static final int RECORD = 1000;

    @TempDir
    Path dir;

    /**
     * Deterministic: a batch policy whose timer is an hour and no byte limit never syncs on its
     * own in this test, and nobody waits; only the rolls sync. Every record of a sealed segment is
     * then durable, and the journal must report it.
     */
    @Test
    void whatARollSealedIsReportedDurable() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        try (Journal journal = Journal.open(JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(RECORD)
                .syncPolicy(SyncPolicy.batch(Duration.ofHours(1), Long.MAX_VALUE)).syncer(syncer).build())) {
            final int records = 200; // about three 64 KiB segments
            final long[] receipts = new long[records];
            for (int n = 0; n < records; n++) {
                receipts[n] = journal.append(new byte[RECORD - 100]);
            }
            awaitWritten(journal, records);
            final long rolls = journal.metrics().rolls();
            assertTrue(rolls >= 2, "the records span several segments: rolls=" + rolls);
            final long firstOfActive = firstSequenceOfActive(journal);
            assertTrue(firstOfActive >= 100, "two segments sealed: active starts at " + firstOfActive);
            assertTrue(syncer.syncedTo(io.mappedjournal.segment.SegmentFiles.segmentPath(dir, 0)) > 60_000,
                    "the roll synced the first segment to its seal");

            assertTrue(journal.durableSequence() >= firstOfActive, "every record of a sealed segment is durable: "
                    + "durableSequence=" + journal.durableSequence() + " first sequence of the active segment=" + firstOfActive);
            assertTrue(journal.isDurable(receipts[10]), "the 10th record was sealed (synced) by a roll");
            assertTrue(journal.isDurable(receipts[(int) firstOfActive - 1]), "the last sealed record is durable");
            try (JournalReader durable = journal.durableReader(0)) {
                for (long seq = 0; seq < firstOfActive; seq++) {
                    final JournalRecord r = durable.next();
                    assertNotNull(r, "the durable reader returns sealed record " + seq);
                    assertEquals(seq, r.sequence());
                }
            }
        }
    }

    /**
     * The repro: {@code batch(10 ms)}, 64 KiB segments, one continuous writer. While it
     * writes, the durable watermark must advance (the 10th record becomes durable) and health must
     * not complain of old unsynced data.
     */
    @Test
    void durabilityAdvancesWhileSegmentsRollUnderAContinuousWriter() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        try (Journal journal = Journal.open(JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(RECORD)
                .syncPolicy(SyncPolicy.batch(Duration.ofMillis(10), Long.MAX_VALUE)).syncer(syncer).build())) {
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong tenth = new AtomicLong(-1);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread writer = new Thread(() -> {
                try {
                    final byte[] payload = new byte[RECORD - 100];
                    for (long n = 0; !stop.get(); n++) {
                        final long receipt = journal.append(payload);
                        if (n == 9) {
                            tenth.set(receipt);
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "test-continuous-writer");
            writer.start();
            try {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (journal.metrics().rolls() < 20) {
                    assertTrue(System.nanoTime() < deadline, "20 rolls within 20 s");
                    Thread.sleep(5);
                }
                while (!journal.isDurable(tenth.get()) || journal.durableSequence() < 10) {
                    assertTrue(System.nanoTime() < deadline, "while segments roll, the 10th record never became durable:"
                            + " durableSequence=" + journal.durableSequence() + " rolls=" + journal.metrics().rolls()
                            + " written=" + journal.writtenSequence());
                    Thread.sleep(5);
                }
                for (String reason : journal.healthReasons()) {
                    assertTrue(!reason.startsWith("unsynced"), "health: " + reason);
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertNull(failure.get());
        }
    }

    private static void awaitWritten(Journal journal, long count) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (journal.writtenSequence() < count) {
            assertTrue(System.nanoTime() < deadline, "the master wrote " + journal.writtenSequence() + " of " + count);
            Thread.sleep(1);
        }
    }

    /** The active segment's first sequence: the last segment file's name. */
    private static long firstSequenceOfActive(Journal journal) throws java.io.IOException {
        long last = -1;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(journal.directory())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                final String name = p.getFileName().toString();
                if (name.endsWith(".seg")) {
                    last = Math.max(last, Long.parseLong(name.substring(0, name.length() - 4)));
                }
            }
        }
        return last;
    }
}
