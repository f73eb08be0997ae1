package io.mappedjournal;

import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.policy.RollPolicy;
import io.mappedjournal.policy.SyncPolicy;
import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class JournalRoundTripTest {
    @TempDir
    Path dir;

    private JournalConfig.Builder config() {
        return JournalConfig.builder(dir).segmentSize(1 << 20).maxRecordSize(4096).stagingBufferSize(64 << 10);
    }

    @Test
    void shouldReadBackSixteenProducersTimesOneHundredThousandRecordsExactlyOnceInProducerOrder() throws Exception {
        final int threads = 16;
        final int perThread = 100_000;
        final int spread = 120;
        try (Journal journal = Journal.open(config().syncPolicy(SyncPolicy.none()).build())) {
            final List<Thread> producers = new ArrayList<>();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                final int id = t;
                producers.add(new Thread(() -> {
                    try {
                        start.await();
                        for (int n = 0; n < perThread; n++) {
                            assertTrue(journal.append(TestPayloads.of(id, n, spread)) >= 0);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            producers.forEach(Thread::start);
            start.countDown();
            for (Thread p : producers) {
                p.join();
            }
            assertNull(failure.get());
            journal.flush();
            assertEquals((long) threads * perThread, journal.metrics().appended());
            assertTrue(journal.metrics().rolls() >= 50, "many rolls expected, got " + journal.metrics().rolls());
        }
        final int[] next = new int[threads];
        long count = 0;
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            for (JournalRecord r; (r = reader.next()) != null; ) {
                assertEquals(count, r.sequence(), "sequences are contiguous");
                final byte[] p = r.payload();
                final int t = TestPayloads.producer(p);
                final int n = TestPayloads.number(p);
                final long seq = r.sequence();
                assertEquals(next[t], n, () -> "producer " + t + " order at sequence " + seq);
                assertArrayEquals(TestPayloads.of(t, n, spread), p, () -> "bytes of t=" + t + " n=" + n);
                next[t]++;
                count++;
            }
        }
        assertEquals((long) threads * perThread, count);
        for (int t = 0; t < threads; t++) {
            assertEquals(perThread, next[t], "records of producer " + t);
        }
    }

    @Test
    void shouldTailLiveRecordsAcrossRollsWhileProducersAppend() throws Exception {
        final int total = 60_000;
        try (Journal journal = Journal.open(config().segmentSize(256 << 10).syncPolicy(SyncPolicy.none()).build());
             JournalReader tail = journal.reader(0)) {
            final Thread producer = new Thread(() -> {
                for (int n = 0; n < total; n++) {
                    journal.append(TestPayloads.of(3, n, 200));
                }
            });
            producer.start();
            int seen = 0;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen < total && System.nanoTime() < deadline) {
                final JournalRecord r = tail.next();
                if (r == null) {
                    Thread.onSpinWait();
                    continue;
                }
                assertEquals(seen, r.sequence());
                assertArrayEquals(TestPayloads.of(3, seen, 200), r.payload());
                seen++;
            }
            producer.join();
            assertEquals(total, seen);
            assertNull(tail.next(), "nothing beyond what was appended");
            assertTrue(journal.metrics().rolls() > 10);
        }
    }

    @Test
    void shouldReturnOnlyDurableRecordsFromADurableReader() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        try (Journal journal = Journal.open(config().syncPolicy(SyncPolicy.batch(Duration.ofHours(1), Long.MAX_VALUE))
                .syncer(syncer).build());
             JournalReader durable = journal.durableReader(0);
             JournalReader live = journal.reader(0)) {
            for (int n = 0; n < 100; n++) {
                journal.append(TestPayloads.of(0, n, 50));
            }
            // Written but not synced: the live reader sees them, the durable reader does not.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int liveSeen = 0;
            while (liveSeen < 100 && System.nanoTime() < deadline) {
                if (live.next() != null) {
                    liveSeen++;
                }
            }
            assertEquals(100, liveSeen);
            assertEquals(0, journal.durableSequence());
            assertNull(durable.next(), "no record is durable before a sync");
            journal.flush();
            assertEquals(100, journal.durableSequence());
            for (int n = 0; n < 100; n++) {
                final JournalRecord r = durable.next();
                assertNotNull(r);
                assertEquals(n, r.sequence());
                assertTrue(r.offset() + FrameDescriptor.frameLength(r.length()) <= syncer.syncedTo(r.segment()));
            }
            assertNull(durable.next());
        }
    }

    @Test
    void shouldContinueAfterTheLastRecordWhenReopenedAfterCleanClose() throws Exception {
        try (Journal journal = Journal.open(config().build())) {
            for (int n = 0; n < 1000; n++) {
                journal.append(TestPayloads.of(1, n, 300));
            }
        }
        try (Journal journal = Journal.open(config().build())) {
            assertEquals(1000, journal.recoveryReport().nextSequence());
            assertTrue(journal.recoveryReport().anomalies().isEmpty(), journal.recoveryReport().describe());
            assertEquals(0, journal.recoveryReport().bytesTruncated());
            for (int n = 1000; n < 2500; n++) {
                journal.append(TestPayloads.of(1, n, 300));
            }
        }
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            for (int n = 0; n < 2500; n++) {
                final JournalRecord r = reader.next();
                assertNotNull(r, "record " + n);
                assertEquals(n, r.sequence());
                assertArrayEquals(TestPayloads.of(1, n, 300), r.payload());
            }
            assertNull(reader.next());
        }
    }

    @Test
    void shouldReadFromAnySequenceAcrossSegments() throws Exception {
        try (Journal journal = Journal.open(config().segmentSize(64 << 10).build())) {
            for (int n = 0; n < 5000; n++) {
                journal.append(TestPayloads.of(2, n, 100));
            }
        }
        for (long from : new long[]{0, 1, 777, 2048, 4999, 5000}) {
            try (JournalReader reader = JournalReader.open(dir, from)) {
                long expected = from;
                for (JournalRecord r; (r = reader.next()) != null; ) {
                    assertEquals(expected, r.sequence());
                    assertArrayEquals(TestPayloads.of(2, expected, 100), r.payload());
                    expected++;
                }
                assertEquals(5000, expected, "from=" + from);
            }
        }
    }

    @Test
    void shouldAcceptEveryAppendForm() throws Exception {
        try (Journal journal = Journal.open(config().build())) {
            final byte[] whole = "whole-array".getBytes();
            final byte[] slice = "xxslicexx".getBytes();
            final ByteBuffer buffer = ByteBuffer.allocateDirect(32);
            buffer.put("direct-buffer".getBytes()).flip();
            final BytesStore<?, ?> store = BytesStore.from("chronicle-store");
            journal.append(whole);
            journal.append(slice, 2, 5);
            journal.append(buffer);
            assertEquals(0, buffer.position(), "append(ByteBuffer) leaves the position alone");
            journal.append(store, 0, (int) store.readRemaining());
            final JournalWriter writer = journal.writer();
            final JournalWriter.Claim claim = writer.claim(6);
            claim.buffer().write(claim.offset(), "zerocp".getBytes(), 0, 6);
            claim.commit();
            final JournalWriter.Claim aborted = writer.claim(7);
            aborted.buffer().write(aborted.offset(), "ABORTED".getBytes(), 0, 7);
            aborted.abort();
            final long last = journal.append("last".getBytes());
            assertTrue(journal.awaitDurable(last, 10, TimeUnit.SECONDS));
            final RecordTooLargeException tooLarge = assertThrows(RecordTooLargeException.class,
                    () -> journal.append(new byte[4097]));
            assertEquals("record too large: length=4097 maxRecordSize=4096", tooLarge.getMessage());
        }
        final List<String> read = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            for (JournalRecord r; (r = reader.next()) != null; ) {
                read.add(new String(r.payload()));
            }
        }
        assertEquals(Arrays.asList("whole-array", "slice", "direct-buffer", "chronicle-store", "zerocp", "last"), read);
    }

    @Test
    void shouldRollByTimeWhenTheRollPolicySaysSo() throws Exception {
        try (Journal journal = Journal.open(config().rollPolicy(RollPolicy.every(Duration.ofMillis(50))).build())) {
            for (int n = 0; n < 5; n++) {
                journal.append(TestPayloads.of(0, n, 10));
                journal.flush();
                Thread.sleep(80);
            }
            journal.flush();
            assertTrue(journal.metrics().rolls() >= 3, "rolls=" + journal.metrics().rolls());
        }
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            for (int n = 0; n < 5; n++) {
                assertArrayEquals(TestPayloads.of(0, n, 10), reader.next().payload());
            }
            assertNull(reader.next());
        }
        assertTrue(Files.list(dir).filter(p -> p.toString().endsWith(".seg")).count() >= 4);
    }
}
