package io.mappedjournal;

import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.policy.IdleStrategy;
import io.mappedjournal.policy.Ordering;
import io.mappedjournal.policy.RollPolicy;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.policy.RecoveryMode;
import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One usage per public method of the API package, as an application would write it, with the
 * exact outcome each method documents.
 */
class ApiUsageTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private JournalConfig.Builder small() {
        return JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(1024).stagingBufferSize(8192);
    }

    private List<String> readAll() throws Exception {
        final List<String> out = new java.util.ArrayList<>();
        try (JournalReader r = JournalReader.open(dir, 0)) {
            for (JournalRecord rec; (rec = r.next()) != null; ) {
                out.add(new String(rec.payload(), StandardCharsets.US_ASCII));
            }
        }
        return out;
    }

    @Test
    void journalOpenWithDefaultsCreatesTheDirectory() throws Exception {
        final Path nested = dir.resolve("a/b");
        try (Journal j = Journal.open(nested)) {
            assertEquals(nested.toAbsolutePath(), j.directory());
            assertTrue(j.isOpen());
            assertNull(j.failure());
            assertEquals(Health.OK, j.health());
            assertEquals(List.of(), j.healthReasons());
            assertEquals(64L << 20, j.config().segmentSize());
            assertEquals("new journal", j.recoveryReport().manifestSource());
        }
    }

    @Test
    void journalAppendFormsAndSequences() throws Exception {
        try (Journal j = Journal.open(small().build())) {
            assertTrue(j.append(bytes("a")) >= 0);
            assertTrue(j.append(bytes("xbx"), 1, 1) >= 0);
            assertTrue(j.append(ByteBuffer.wrap(bytes("c"))) >= 0);
            assertTrue(j.append(BytesStore.from("d"), 0, 1) >= 0);
            j.flush();
            assertEquals(4, j.durableSequence());
            assertEquals(4, j.writtenSequence());
        }
        assertEquals(List.of("a", "b", "c", "d"), readAll());
    }

    @Test
    void journalWriterIsPerThreadAndOpenWriterIsExplicit() throws Exception {
        try (Journal j = Journal.open(small().build())) {
            final JournalWriter mine = j.writer();
            assertSame(mine, j.writer(), "the same writer for the same thread");
            final JournalWriter explicit = j.openWriter();
            assertNotEquals(mine.ringId(), explicit.ringId());
            explicit.append(bytes("e"));
            explicit.close();
            assertTrue(explicit.isClosed());
            assertFalse(mine.isClosed());
        }
        assertEquals(List.of("e"), readAll());
    }

    @Test
    void journalDurabilityWaits() throws Exception {
        try (Journal j = Journal.open(small().syncPolicy(SyncPolicy.batch(Duration.ofHours(1), Long.MAX_VALUE)).build())) {
            final long r1 = j.append(bytes("1"));
            assertTrue(j.awaitDurable(r1, 10, TimeUnit.SECONDS));
            assertTrue(j.isDurable(r1));
            final long r2 = j.append(bytes("2"));
            j.durableFuture(r2).get(10, TimeUnit.SECONDS);
            assertTrue(j.isDurable(r2));
            j.append(bytes("3"));
            assertTrue(j.flush(10, TimeUnit.SECONDS));
            assertEquals(3, j.durableSequence());
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> j.isDurable(Journal.DROPPED));
            assertEquals("not a receipt of this journal: receipt=-1 (DROPPED: the record was not appended)", e.getMessage());
        }
    }

    @Test
    void journalReadersLiveAndDurable() throws Exception {
        try (Journal j = Journal.open(small().syncPolicy(SyncPolicy.none()).build())) {
            j.append(bytes("r0"));
            j.append(bytes("r1"));
            try (JournalReader live = j.reader(1); JournalReader durable = j.durableReader(0)) {
                JournalRecord rec;
                while ((rec = live.next()) == null) {
                    Thread.onSpinWait();
                }
                assertEquals(1, rec.sequence());
                assertEquals(1, live.fromSequence());
                assertEquals(2, live.nextSequence());
                assertNull(durable.next(), "nothing durable under none before a wait");
                j.flush();
                assertEquals("r0", new String(durable.next().payload(), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void journalRetentionDeletesSealedSegmentsBelowASequence() throws Exception {
        final long start = System.nanoTime();
        try (Journal j = Journal.open(small().build())) {
            for (int n = 0; n < 3000; n++) {
                j.append(TestPayloads.of(0, n, 40));
            }
            j.flush();
            assertTrue(j.metrics().rolls() >= 2);
            final long rollWait = j.metrics().rollWaitNanos();
            assertTrue(rollWait > 0 && rollWait < System.nanoTime() - start,
                    "every roll times its take from the preallocator, within the test's own time: " + rollWait);
            final List<Path> deleted = j.deleteSegmentsBefore(2000);
            assertFalse(deleted.isEmpty());
            assertTrue(j.lowWaterSequence() > 0 && j.lowWaterSequence() <= 2000, "lowWater=" + j.lowWaterSequence());
            try (JournalReader r = j.reader(0)) {
                assertEquals(j.lowWaterSequence(), r.next().sequence(), "reading starts at the oldest retained record");
            }
        }
    }

    /**
     * The seal wait is timed: under NONE a roll of an 8 MiB segment syncs it on the sealer thread
     * (over the 4 MiB inline limit), held here at a gate; the next roll must wait for it. Once the
     * master is seen parked in {@code completeSeal}, the gate opens 30 ms later, so the master
     * waited at least that long.
     */
    @Test
    void sealWaitCountsTheTimeTheMasterWaitedForThePreviousSeal() throws Exception {
        final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        final io.mappedjournal.segment.FileSyncer real = new io.mappedjournal.segment.MsyncSyncer(net.openhft.posix.PosixAPI.posix());
        final io.mappedjournal.segment.FileSyncer gated = (segment, from, to) -> {
            if (to - from > (4 << 20)) { // only a seal's sync of a whole segment
                try {
                    if (!gate.await(60, TimeUnit.SECONDS)) {
                        throw new java.io.IOException("gate never opened");
                    }
                } catch (InterruptedException e) {
                    throw new java.io.IOException(e);
                }
            }
            real.sync(segment, from, to);
        };
        try (Journal j = Journal.open(JournalConfig.builder(dir).segmentSize(8 << 20).syncPolicy(SyncPolicy.none())
                .syncer(gated).build())) {
            final byte[] record = new byte[4000];
            final Thread producer = new Thread(() -> {
                for (int n = 0; n < 5000; n++) { // 20 MB: two rolls
                    j.append(record);
                }
            }, "producer");
            producer.start();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!masterWaitsForSeal()) {
                assertTrue(System.nanoTime() < deadline, "the second roll never waited for the first seal");
                Thread.sleep(1);
            }
            assertEquals(0, j.metrics().sealWaitNanos(), "still waiting: not yet counted");
            Thread.sleep(30);
            gate.countDown();
            producer.join();
            j.flush();
            assertTrue(j.metrics().rolls() >= 2);
            assertTrue(j.metrics().sealWaitNanos() >= 30_000_000L, "waited >= 30 ms: " + j.metrics().sealWaitNanos());
        }
    }

    private static boolean masterWaitsForSeal() {
        for (java.util.Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey().getName().startsWith(io.mappedjournal.master.Master.THREAD_NAME_PREFIX)) {
                for (StackTraceElement f : e.getValue()) {
                    if (f.getMethodName().equals("completeSeal")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void journalMetricsCountEveryAttempt() throws Exception {
        try (Journal j = Journal.open(small().build())) {
            j.append(bytes("m"));
            assertThrows(RecordTooLargeException.class, () -> j.append(new byte[1025]));
            j.flush();
            assertEquals(1, j.metrics().appended());
            assertEquals(1, j.metrics().rejected());
            assertEquals(2, j.metrics().attempted());
        }
    }

    @Test
    void journalCloseIsIdempotentAndRefusesAppends() throws Exception {
        final Journal j = Journal.open(small().build());
        j.close();
        j.close();
        assertFalse(j.isOpen());
        assertEquals(Health.CLOSED, j.health());
        assertThrows(JournalClosedException.class, () -> j.append(bytes("late")));
        assertTrue(j.flush(1, TimeUnit.SECONDS), "a closed journal has nothing left to flush");
    }

    @Test
    void writerAppendFormsClaimCommitAndAbort() throws Exception {
        try (Journal j = Journal.open(small().build())) {
            final JournalWriter w = j.openWriter();
            w.append(bytes("w1"));
            w.append(bytes("xw2x"), 1, 2);
            w.append(ByteBuffer.wrap(bytes("w3")));
            w.append(BytesStore.from("w4"), 0, 2);
            final JournalWriter.Claim c = w.claim(2);
            assertEquals(2, c.length());
            c.buffer().write(c.offset(), bytes("w5"), 0, 2);
            assertTrue(c.commit() >= 0);
            final JournalWriter.Claim a = w.claim(2);
            a.abort();
            assertThrows(IllegalStateException.class, a::commit, "nothing to commit after abort");
            w.close();
            j.flush();
        }
        assertEquals(List.of("w1", "w2", "w3", "w4", "w5"), readAll());
    }

    @Test
    void writerRefusesUseFromAnotherThreadWhenThreadBound() throws Exception {
        try (Journal j = Journal.open(small().build())) {
            final JournalWriter mine = j.writer();
            final Throwable[] seen = new Throwable[1];
            final Thread other = new Thread(() -> {
                try {
                    mine.append(bytes("x"));
                } catch (Throwable t) {
                    seen[0] = t;
                }
            });
            other.start();
            other.join();
            assertInstanceOf(IllegalStateException.class, seen[0]);
            assertTrue(seen[0].getMessage().startsWith("writer is bound to thread"), seen[0].getMessage());
        }
    }

    @Test
    void readerOpenNextAndRecordAccessors() throws Exception {
        try (Journal j = Journal.open(small().build())) {
            j.append(bytes("hello"));
        }
        try (JournalReader r = JournalReader.open(dir, 0)) {
            final JournalRecord rec = r.next();
            assertEquals(0, rec.sequence());
            assertEquals(5, rec.length());
            assertArrayEquals(bytes("hello"), rec.payload());
            final byte[] dst = new byte[7];
            rec.copyTo(dst, 1);
            assertEquals("\0hello\0", new String(dst, StandardCharsets.US_ASCII));
            assertEquals('e', rec.byteAt(1));
            assertThrows(IndexOutOfBoundsException.class, () -> rec.byteAt(5));
            assertEquals("00000000000000000000.seg", rec.segment().getFileName().toString());
            assertEquals(64, rec.offset());
            assertTrue(rec.toString().startsWith("JournalRecord{sequence=0, length=5"));
            assertNull(r.next());
        }
        assertThrows(java.nio.file.NoSuchFileException.class, () -> JournalReader.open(dir.resolve("missing"), 0));
        assertThrows(IllegalArgumentException.class, () -> JournalReader.open(dir, -1));
    }

    @Test
    void configBuilderSettersGettersAndValidation() {
        final JournalConfig c = JournalConfig.builder(dir).syncPolicy(SyncPolicy.always()).segmentSize(1 << 20)
                .stagingBufferSize(1 << 16).maxWriters(4).maxRecordSize(1000).backpressure(Backpressure.FAIL)
                .blockTimeout(Duration.ofMillis(5)).idleStrategy(IdleStrategy.yielding())
                .rollPolicy(RollPolicy.every(Duration.ofMinutes(1))).recoveryMode(RecoveryMode.ABSOLUTE)
                .checkpointBytes(1 << 20).slowSyncThreshold(Duration.ofMillis(100)).ordering(Ordering.TOTAL).build();
        assertEquals(dir, c.directory());
        assertSame(SyncPolicy.ALWAYS, c.syncPolicy());
        assertEquals(1 << 20, c.segmentSize());
        assertEquals(1 << 16, c.stagingBufferSize());
        assertEquals(4, c.maxWriters());
        assertEquals(1000, c.maxRecordSize());
        assertEquals(Backpressure.FAIL, c.backpressure());
        assertEquals(RecoveryMode.ABSOLUTE, c.recoveryMode());
        assertEquals(Ordering.TOTAL, c.ordering());
        assertEquals(4L << 16, c.stagingMemoryBound());
        assertEquals(Ordering.PER_PRODUCER, JournalConfig.builder(dir).build().ordering(), "the default ordering");
        assertEquals("segmentSize must be a multiple of 4096 and >= 65536: segmentSize=1000",
                assertThrows(IllegalArgumentException.class, () -> JournalConfig.builder(dir).segmentSize(1000)).getMessage());
        assertEquals("stagingBufferSize must be a power of two >= 4096: stagingBufferSize=5000",
                assertThrows(IllegalArgumentException.class, () -> JournalConfig.builder(dir).stagingBufferSize(5000)).getMessage());
        assertEquals("maxWriters must be in [1, 32767]: maxWriters=0",
                assertThrows(IllegalArgumentException.class, () -> JournalConfig.builder(dir).maxWriters(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> JournalConfig.builder(dir).maxRecordSize(0));
        assertThrows(IllegalArgumentException.class, () -> JournalConfig.builder(dir).blockTimeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> JournalConfig.builder(dir).checkpointBytes(0));
        assertThrows(IllegalArgumentException.class,
                () -> JournalConfig.builder(dir).stagingBufferSize(4096).maxRecordSize(4096).build());
    }

    @Test
    void syncPolicyParsesTheToolsSpelling() {
        assertSame(SyncPolicy.ALWAYS, SyncPolicy.parse("always"));
        assertSame(SyncPolicy.NONE, SyncPolicy.parse("none"));
        assertEquals("batch_10ms", SyncPolicy.parse("batch_10ms").name());
        assertEquals("10ms", SyncPolicy.parse("batch_10ms").lossWindow());
        assertEquals("unknown sync policy 'batch_0ms': expected always, none or batch_<N>ms with N >= 1",
                assertThrows(IllegalArgumentException.class, () -> SyncPolicy.parse("batch_0ms")).getMessage());
    }

    @Test
    void syncPolicyDecidesBySyncingAfterEveryPassNeverOrOnTimeAndBytes() {
        assertTrue(SyncPolicy.always().shouldSync(1, 0, 0));
        assertFalse(SyncPolicy.none().shouldSync(Long.MAX_VALUE, 0, Long.MAX_VALUE));
        final SyncPolicy batch = SyncPolicy.batch(Duration.ofMillis(10), 4096);
        assertFalse(batch.shouldSync(100, 0, 9_999_999), "neither 10 ms nor 4096 bytes yet");
        assertTrue(batch.shouldSync(100, 0, 10_000_000), "10 ms since the oldest unsynced write");
        assertTrue(batch.shouldSync(4096, 0, 1), "4096 bytes unsynced");
        assertThrows(IllegalArgumentException.class, () -> SyncPolicy.batch(Duration.ZERO, 1));
    }

    @Test
    void rollPolicyRollsWhenFullOnlyOrAlsoByAge() {
        assertFalse(RollPolicy.whenFull().shouldRoll(0, Long.MAX_VALUE));
        final RollPolicy minute = RollPolicy.every(Duration.ofMinutes(1));
        assertFalse(minute.shouldRoll(1_000, 60_999));
        assertTrue(minute.shouldRoll(1_000, 61_000));
        assertThrows(IllegalArgumentException.class, () -> RollPolicy.every(Duration.ZERO));
    }

    @Test
    void idleStrategiesReturnAndBackOffOnlyWithoutWork() {
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            IdleStrategy.busySpin().idle(0);
        }
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "spinning never parks");
        // The default: 100 spins, 10 yields, then parks doubling from 1 us to at most 1 ms. Calls
        // 111..200 park 1+2+...+512 us and then 80 times 1 ms: at least 50 ms in all, and no park
        // is longer than 1 ms (the 90 parks end within 90 ms plus scheduling).
        final IdleStrategy dflt = IdleStrategy.defaultStrategy();
        start = System.nanoTime();
        for (int i = 0; i < 110; i++) {
            dflt.idle(0);
        }
        final long spinsAndYields = System.nanoTime() - start;
        assertTrue(spinsAndYields < 1_000_000_000L, "spins and yields do not park: " + spinsAndYields + " ns");
        start = System.nanoTime();
        for (int i = 0; i < 90; i++) {
            dflt.idle(0);
        }
        final long parks = System.nanoTime() - start;
        assertTrue(parks >= 50_000_000L && parks < 5_000_000_000L, "90 parks of at most 1 ms: " + parks + " ns");
        assertThrows(IllegalArgumentException.class, () -> IdleStrategy.backoff(999), "max park below the 1 µs minimum");
        // Work resets the back-off: after parks grew to 200 ms, one idle(1) makes the next park 1 us again.
        final IdleStrategy.Backoff growing = new IdleStrategy.Backoff(0, 0, 1_000, 200_000_000);
        for (int i = 0; i < 18; i++) {
            growing.idle(0); // 1 us, 2 us, ... 131 ms: the next would park 200 ms
        }
        growing.idle(1);
        start = System.nanoTime();
        growing.idle(0);
        assertTrue(System.nanoTime() - start < 100_000_000L, "work reset the park to 1 us, not 200 ms");
        final IdleStrategy.Backoff parking = new IdleStrategy.Backoff(0, 0, 2_000_000, 2_000_000);
        start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            parking.idle(0); // no spins or yields allowed: parks 2 ms each time
        }
        assertTrue(System.nanoTime() - start >= 4_000_000, "five 2 ms parks took at least 4 ms");
        start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            parking.idle(1); // work done: never parks
        }
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "idle(work > 0) returns at once");
        assertEquals("maxParkNanos < minParkNanos: 1 < 2",
                assertThrows(IllegalArgumentException.class, () -> new IdleStrategy.Backoff(1, 1, 2, 1)).getMessage());
    }

    @Test
    void recoveryModeCliNamesRoundTrip() {
        for (RecoveryMode m : RecoveryMode.values()) {
            assertSame(m, RecoveryMode.fromCliName(m.cliName()));
        }
        assertEquals("point-in-time", RecoveryMode.POINT_IN_TIME.cliName());
        assertThrows(IllegalArgumentException.class, () -> RecoveryMode.fromCliName("POINT_IN_TIME"));
    }

    @Test
    void recoveryReportOfACleanOpenAndItsParts() throws Exception {
        try (Journal j = Journal.open(small().build())) {
            final RecoveryReport r = j.recoveryReport();
            assertEquals(RecoveryMode.TOLERATE_TAIL, r.mode());
            assertTrue(r.clean());
            assertEquals(0, r.bytesSkipped());
            assertTrue(r.toString().startsWith("RecoveryReport{mode=tolerate-tail manifest=new journal"), r.toString());
        }
        final Path seg = dir.resolve("00000000000000000000.seg");
        final RecoveryReport.Anomaly a = new RecoveryReport.Anomaly(seg, 4096, "bad crc");
        assertEquals("00000000000000000000.seg offset=4096: bad crc", a.toString());
        assertEquals("journal: no manifest", new RecoveryReport.Anomaly(null, -1, "no manifest").toString());
        final RecoveryReport r = new RecoveryReport(RecoveryMode.SKIP_CORRUPTED, 2, 10, 0, 64, 11, List.of(a),
                List.of("skipped x"), 1_500_000, "manifest.0 generation 3");
        assertFalse(r.clean(), "64 bytes skipped and an anomaly");
        assertEquals(64, r.bytesSkipped());
        assertEquals("mode=skip-corrupted manifest=manifest.0 generation 3 segments_checked=2 frames_recovered=10"
                + " bytes_truncated=0 bytes_skipped=64 next_sequence=11 time_ms=1.5\n  anomaly: " + a
                + "\n  action: skipped x", r.describe());
    }

    @Test
    void exceptionsCarryMessageAndCauseAndAreJournalExceptions() {
        final Throwable cause = new java.io.IOException("disk");
        final List<JournalException> all = List.of(
                new JournalException("m"), new JournalException("m", cause),
                new CorruptJournalException("m"), new CorruptJournalException("m", cause),
                new JournalClosedException("m"), new JournalClosedException("m", cause),
                new JournalFailedException("m"), new JournalFailedException("m", cause),
                new JournalLockedException("m"), new JournalLockedException("m", cause),
                new RecordTooLargeException("m"), new RecordTooLargeException("m", cause),
                new StagingFullException("m"), new StagingFullException("m", cause));
        for (int i = 0; i < all.size(); i++) {
            final JournalException e = all.get(i);
            assertEquals("m", e.getMessage());
            assertSame(i % 2 == 0 ? null : cause, e.getCause(), e.getClass().getSimpleName());
        }
    }

    @Test
    void droppedIsTheNegativeSentinel() throws Exception {
        assertEquals(-1L, Journal.DROPPED);
        try (Journal j = Journal.open(small().maxWriters(1).backpressure(Backpressure.DROP).build())) {
            final JournalWriter held = j.openWriter();
            final long[] result = new long[1];
            final Thread t = new Thread(() -> result[0] = j.append(bytes("x"))); // no ring left for this thread
            t.start();
            t.join();
            assertEquals(Journal.DROPPED, result[0]);
            assertThrows(IllegalArgumentException.class, () -> j.isDurable(Journal.DROPPED));
            held.close();
        }
    }

    @Test
    void metricsSnapshotFieldsAndTheJmxView() throws Exception {
        // Every sync takes at least 3 ms (a sleep: a park would return early on the master, which
        // producers unpark).
        final io.mappedjournal.segment.FileSyncer real = new io.mappedjournal.segment.MsyncSyncer(net.openhft.posix.PosixAPI.posix());
        final io.mappedjournal.segment.FileSyncer syncer = (segment, from, to) -> {
            try {
                Thread.sleep(3);
            } catch (InterruptedException e) {
                throw new java.io.IOException(e);
            }
            real.sync(segment, from, to);
        };
        // NONE: the only sync is the one the wait asks for, made by the master inline (under
        // ALWAYS a policy sync on the sealer may still be unreported when the wait returns).
        try (Journal j = Journal.open(small().syncPolicy(SyncPolicy.none()).syncer(syncer).build())) {
            final long receipt = j.append(bytes("abc"));
            assertTrue(j.awaitDurable(receipt, 10, TimeUnit.SECONDS));
            final io.mappedjournal.metrics.MetricsSnapshot m = j.metrics();
            assertEquals(1, m.appended());
            assertEquals(3, m.appendedBytes());
            assertEquals(256L * 8192, m.stagingBoundBytes(), "256 rings (the default maxWriters) of 8 KiB");
            assertEquals(1, m.writersInUse());
            assertEquals(1, m.stagingRingsAllocated());
            assertTrue(m.drainPasses() >= 1);
            assertEquals(m.drainPasses(), m.drainBatchSizes().getTotalCount());
            assertTrue(m.syncs() >= 1);
            assertTrue(m.syncedRecords() >= 1);
            assertEquals(0, m.slowSyncs());
            assertEquals(m.syncs(), m.syncLatencyNanos().getTotalCount());
            assertEquals(1, m.writtenSequence());
            assertEquals(1, m.durableSequence());
            assertEquals(0, m.durableLagRecords());
            assertEquals(0, m.errors());
            assertEquals(0, m.rolls());
            assertEquals(0, m.rollWaitNanos(), "no roll, no wait for the preallocator");
            assertEquals(0, m.sealWaitNanos(), "no roll, no wait for a seal");
            final io.mappedjournal.metrics.JournalMXBean bean = javax.management.JMX.newMXBeanProxy(
                    java.lang.management.ManagementFactory.getPlatformMBeanServer(),
                    JmxRegistration.nameFor(j.directory().toString()), io.mappedjournal.metrics.JournalMXBean.class);
            assertEquals(j.directory().toString(), bean.getDirectory());
            assertEquals("OK", bean.getHealth());
            assertEquals("", bean.getHealthReasons());
            assertEquals(1, bean.getAppended());
            assertEquals(3, bean.getAppendedBytes());
            assertEquals(0, bean.getDropped());
            assertEquals(0, bean.getRejected());
            assertEquals(1, bean.getAttempted());
            assertEquals(0.0, bean.getBlockedSeconds());
            assertEquals(0, bean.getStagingUsedBytes());
            assertEquals(256 * 8192, bean.getStagingBoundBytes());
            assertEquals(1, bean.getWritersInUse());
            assertTrue(bean.getSyncs() >= 1);
            assertTrue(bean.getRecordsPerSync() > 0);
            assertTrue(bean.getSyncLatencyP99Seconds() >= 0.003, "every sync took >= 3 ms: p99="
                    + bean.getSyncLatencyP99Seconds() + " s");
            assertEquals(j.metrics().syncLatencyNanos().getValueAtPercentile(99) / 1e9, bean.getSyncLatencyP99Seconds());
            assertEquals(0, bean.getSlowSyncs());
            assertEquals(1, bean.getWrittenSequence());
            assertEquals(1, bean.getDurableSequence());
            assertEquals(0, bean.getDurableLagRecords());
            assertEquals(0, bean.getRolls());
            assertEquals(0.0, bean.getRollWaitSeconds());
            assertEquals(0.0, bean.getSealWaitSeconds());
            assertEquals(0, bean.getErrors());
        }
        final org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
        final io.mappedjournal.metrics.MetricsSnapshot s = new io.mappedjournal.metrics.MetricsSnapshot(10, 100, 2, 3,
                0, 0, 4096, 1, 1, 5, h, 4, 8, 0, h, 10, 7, 0, 1_500_000, 2_500_000, 0);
        assertTrue(s.toString().endsWith("rolls=0, rollWaitMs=1, sealWaitMs=2, errors=0}"), s.toString());
        assertEquals(15, s.attempted());
        assertEquals(3, s.durableLagRecords());
        assertEquals(2.0, s.recordsPerSync());
        // A record: equal components, equal snapshots (the histograms compare by content).
        final io.mappedjournal.metrics.MetricsSnapshot same = new io.mappedjournal.metrics.MetricsSnapshot(10, 100, 2,
                3, 0, 0, 4096, 1, 1, 5, new org.HdrHistogram.Histogram(3), 4, 8, 0, new org.HdrHistogram.Histogram(3),
                10, 7, 0, 1_500_000, 2_500_000, 0);
        assertTrue(s.equals(same));
        assertEquals(s.hashCode(), same.hashCode());
    }
}
