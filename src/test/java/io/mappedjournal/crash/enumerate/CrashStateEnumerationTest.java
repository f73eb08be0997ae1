package io.mappedjournal.crash.enumerate;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.TestSeams;
import io.mappedjournal.crash.PersistenceModel.Choices;
import io.mappedjournal.crash.PersistenceModel.State;
import io.mappedjournal.crash.PersistenceModel;
import io.mappedjournal.crash.ShmTempDir;
import io.mappedjournal.fileio.DurableFiles;
import io.mappedjournal.fileio.FileOps;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.recovery.RecoveryPlan;
import io.mappedjournal.recovery.RecoveryScan;
import io.mappedjournal.recovery.Repair;
import io.mappedjournal.segment.MsyncSyncer;
import io.mappedjournal.segment.SegmentFiles;
import net.openhft.posix.PosixAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

import static io.mappedjournal.crash.CrashTestSupport.SEGMENT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Crash-state enumeration at the persistence seam (issue 11, part B; the practice of ALICE and
 * CrashMonkey, in process). A small workload rolls segments (one seal marker lands on the first
 * bytes of a page), checkpoints the manifest and deletes old segments, recorded step by step by
 * a {@link PersistenceRecorder}. At every step boundary:
 * <ol>
 *   <li><b>power cut</b>: crash images the {@link PersistenceModel} allows (every change not yet
 *       synced kept, lost, torn at 512 bytes or garbage; directory changes durable only at the
 *       directory's fsync), sampled with a seed and deduplicated, each recovered in every
 *       {@link RecoveryMode} and checked;</li>
 *   <li><b>process crash, then recovery, then a power cut</b>: the page cache survives the crash
 *       but the disk is still only what was synced; the journal is reopened and appended to under
 *       the recorder, and at every boundary of that run (recovery's own writes and syncs, the new
 *       segment, the continuation) power-cut images are recovered and checked again;</li>
 *   <li><b>power cut during recovery</b>: the same, starting from a power-cut image.</li>
 * </ol>
 * The check: recovery succeeds (only {@link RecoveryMode#ABSOLUTE} may refuse, with a
 * {@link CorruptJournalException}); every acknowledged record (below the workload's durable
 * watermark at the boundary, at or above the retention floor) is recovered, byte-exact; what is
 * recovered has no holes (skip-corrupted: none below the watermark); reading never fails.
 *
 * <p>Counts: {@code -Djournal.enumerate.states} (default 10000) power-cut states of the workload,
 * {@code -Djournal.enumerate.seed}; {@code -Djournal.soak=N} multiplies the count.
 */
class CrashStateEnumerationTest {
    @TempDir(factory = ShmTempDir.class)
    Path tmp;

    private static final int PAGE = PersistenceModel.PAGE;
    private static final RecoveryMode[] MODES = RecoveryMode.values();
    private static final RecoveryMode[] OPEN_MODES = {RecoveryMode.TOLERATE_TAIL, RecoveryMode.POINT_IN_TIME,
            RecoveryMode.SKIP_CORRUPTED};
    /** Records appended by each continuation after a recovery. */
    private static final int CONTINUATION = 6;
    private static final MsyncSyncer MSYNC = new MsyncSyncer(PosixAPI.posix());

    /** Payload sizes that differ from {@link #defaultSize}: the records filling segment 0 to a page boundary. */
    private static final Map<Long, Integer> SIZES = new HashMap<>();
    /** First sequence after the page-boundary fill: a record too large for the rest of segment 0. */
    private static final long BIG;

    static {
        long seq = 0;
        long at = SegmentHeaderDescriptor.DATA_OFFSET;
        final long end = 15L * PAGE; // the seal marker goes to the first bytes of page 15
        while (at < end) {
            final long frame = Math.min(1000, end - at);
            final int payload = (int) (frame - FrameDescriptor.HEADER_LENGTH);
            if (FrameDescriptor.frameLength(payload) != frame) {
                throw new AssertionError("cannot fill to a page boundary: frame=" + frame);
            }
            SIZES.put(seq++, payload);
            at += frame;
        }
        BIG = seq;
        SIZES.put(BIG, 4096); // does not fit in the 4096 bytes left: the roll seals at 15 * PAGE
    }

    // Images are checked on CHECKERS threads (each writes, scans, repairs and reads its own copy);
    // generating them, deduplicating and counting stay on the test thread, so a seed gives the same
    // states. No check runs while a sub-run has its recorder installed (SegmentFiles' seam is
    // process-wide): sub-runs drain the checks before and after.
    private static final int CHECKERS = Integer.getInteger("journal.enumerate.threads", 2);
    private final java.util.concurrent.ExecutorService checkers = java.util.concurrent.Executors.newFixedThreadPool(CHECKERS);
    private final List<java.util.concurrent.Future<?>> pending = new ArrayList<>();
    /**
     * Images submitted and not yet checked, bounded: the test thread makes images faster than the
     * checkers recover them, and an unbounded backlog of images ran a soak out of heap.
     */
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(8 * CHECKERS);
    private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Set<Long> seen = new HashSet<>();
    private long statesChecked;
    private final java.util.concurrent.atomic.AtomicLong recoveries = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong refusals = new java.util.concurrent.atomic.AtomicLong();
    private long subRuns;
    private long subStates;
    private int scratchCounter;

    // ------------------------------------------------------------------ payloads

    static int defaultSize(long seq) {
        return 9 + (int) ((seq * 7919) % 500);
    }

    /** Payloads made once each: the checkers compare every record read back against one. */
    private static final Map<Long, byte[]> PAYLOADS = new ConcurrentHashMap<>();

    /** The payload of record {@code seq} (shared: callers must not change it). */
    static byte[] payload(long seq) {
        return PAYLOADS.computeIfAbsent(seq, CrashStateEnumerationTest::makePayload);
    }

    private static byte[] makePayload(long seq) {
        final byte[] b = new byte[SIZES.getOrDefault(seq, defaultSize(seq))];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seq * 31 + i * 7 + (i >> 8));
        }
        if (b.length >= 8) {
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (seq >>> (8 * i));
            }
        }
        return b;
    }

    private static JournalConfig.Builder config(Path dir, PersistenceRecorder recorder) {
        return TestSeams.syncer(JournalConfig.builder(dir).segmentSize(SEGMENT).maxRecordSize(4096).maxWriters(2)
                .stagingBufferSize(64 << 10).checkpointBytes(8 << 10).syncPolicy(SyncPolicy.none()), recorder);
    }

    // ------------------------------------------------------------------ the test

    @Test
    void everyCrashStateRecoversEveryAcknowledgedRecord() throws Exception {
        final int soak = Math.max(1, Integer.getInteger("journal.soak", 1));
        final int target = Integer.getInteger("journal.enumerate.states", 10_000) * soak;
        final long seed = Long.getLong("journal.enumerate.seed", 11L);
        final long start = System.nanoTime();
        final List<PersistenceRecorder.Boundary> boundaries = workload(tmp.resolve("workload"), seed);
        final long workloadNanos = System.nanoTime() - start;
        final Random rnd = new Random(seed);

        // 2 and 3: crash again during and after recovery, from each boundary
        final int maxSub = Integer.getInteger("journal.enumerate.subruns", Integer.MAX_VALUE);
        for (PersistenceRecorder.Boundary b : boundaries) {
            if (b.index >= maxSub) {
                break;
            }
            subRun(b.current, b.durable, b.acked, b.floor, OPEN_MODES[b.index % OPEN_MODES.length],
                    "process crash at " + b, rnd.nextLong());
            if (b.index % 4 == 0) {
                final State cut = PersistenceModel.crash(b.durable, b.current, Choices.seeded(rnd.nextLong()));
                subRun(cut, cut, b.acked, b.floor, OPEN_MODES[(b.index / 2) % OPEN_MODES.length],
                        "power cut at " + b, rnd.nextLong());
            }
        }
        final long subNanos = System.nanoTime() - start - workloadNanos;
        // 1: power cuts of the workload, spread over its boundaries
        final long before = statesChecked;
        int round = 0;
        while (statesChecked - before < target && round < 50) {
            for (PersistenceRecorder.Boundary b : boundaries) {
                final int perBoundary = Math.max(1, (int) ((target - (statesChecked - before)) / boundaries.size()) + 1);
                for (int i = 0; i < perBoundary && statesChecked - before < target; i++) {
                    final Choices c = round == 0 && i == 0 ? Choices.LOSE_ALL
                            : round == 0 && i == 1 ? Choices.KEEP_ALL : Choices.seeded(rnd.nextLong());
                    check(PersistenceModel.crash(b.durable, b.current, c), b.acked, b.floor, "power cut at " + b);
                }
            }
            round++;
        }
        drain();
        checkers.shutdown();
        final long totalNanos = System.nanoTime() - start;
        System.out.printf("crash-state enumeration: %d distinct crash states checked (%d of the workload's %d"
                        + " boundaries, %d after %d recoveries crashed again at %d boundaries), %d recoveries"
                        + " (every mode), %d refused by absolute; workload %.1f s, crash-again %.1f s, total %.1f s,"
                        + " seed %d%n",
                statesChecked, statesChecked - before, boundaries.size(), before, subRuns, subStates, recoveries.get(),
                refusals.get(), workloadNanos / 1e9, subNanos / 1e9, totalNanos / 1e9, seed);
        System.out.printf("crash-state enumeration time (summed over %d checker threads): image writes %.1f s, scans %.1f s,"
                + " repairs %.1f s, read-backs %.1f s%n", CHECKERS, writeNanos.get() / 1e9, scanNanos.get() / 1e9,
                repairNanos.get() / 1e9, readNanos.get() / 1e9);
        assertTrue(statesChecked - before >= target || round == 50, "too few distinct states: " + statesChecked);
        final Map<String, Integer> kinds = new java.util.TreeMap<>();
        for (String v : violations) {
            final String kind = v.substring(v.lastIndexOf("}: ") + 3).replaceAll("[0-9]+", "N");
            kinds.merge(kind.substring(0, Math.min(90, kind.length())), 1, Integer::sum);
        }
        assertTrue(violations.isEmpty(), violations.size() + " violations of the durability contract, by kind " + kinds
                + "; first ones:\n" + String.join("\n", violations.subList(0, Math.min(5, violations.size()))));
    }

    // ------------------------------------------------------------------ the workload

    /**
     * Appends in batches, awaiting some of them, through {@link #SIZES}' page-aligned seal, three
     * more rolls and a retention delete; returns the recorded boundaries.
     */
    private List<PersistenceRecorder.Boundary> workload(Path dir, long seed) throws Exception {
        final AtomicLong acked = new AtomicLong();
        final AtomicLong floor = new AtomicLong();
        final AtomicReference<Journal> journal = new AtomicReference<>();
        final PersistenceRecorder recorder = new PersistenceRecorder(dir, new State(), () -> {
            final Journal j = journal.get();
            return j == null ? acked.get() : Math.max(acked.get(), j.durableSequence());
        }, floor::get);
        final FileOps previous = DurableFiles.useFileOps(recorder);
        java.nio.file.Files.createDirectories(dir);
        final Random rnd = new Random(seed);
        try (Journal j = Journal.open(config(dir, recorder).build())) {
            journal.set(j);
            long seq = 0;
            boolean deleted = false;
            while (seq < 650) {
                final int n = seq < BIG ? (int) Math.min(BIG - seq, 12) : seq == BIG ? 1 : 1 + rnd.nextInt(25);
                long receipt = -1;
                for (int i = 0; i < n; i++) {
                    receipt = j.append(payload(seq++));
                }
                if (seq <= BIG + 1 || rnd.nextInt(10) < 7) {
                    assertTrue(j.awaitDurable(receipt, 30, TimeUnit.SECONDS), "durable " + seq);
                    acked.set(seq);
                }
                if (seq == BIG + 1) {
                    final byte[] seg0 = java.nio.file.Files.readAllBytes(SegmentFiles.segmentPath(dir, 0));
                    final int marker = java.nio.ByteBuffer.wrap(seg0).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .getInt((int) FrameDescriptor.lengthOffset(15L * PAGE));
                    assertEquals(FrameDescriptor.SEAL_MARKER, marker, "segment 0 sealed at the first bytes of page 15");
                }
                final long[] segments = SegmentFiles.listSegments(dir);
                if (!deleted && segments.length >= 4) {
                    floor.set(segments[2]);
                    assertFalse(j.deleteSegmentsBefore(segments[2]).isEmpty(), "retention deleted nothing");
                    deleted = true;
                }
            }
            assertTrue(deleted, "the workload never reached four segments");
            recorder.mark("end of workload");
            recorder.stop();
            journal.set(null);
        } finally {
            DurableFiles.useFileOps(previous);
        }
        final List<PersistenceRecorder.Boundary> b = recorder.boundaries();
        assertTrue(b.stream().anyMatch(x -> x.step.startsWith("fsync directory")), "no directory fsync recorded");
        return b;
    }

    // ------------------------------------------------------------------ crash again

    /**
     * Starts from {@code onDisk} (what the disk and page cache hold after the first crash) with
     * {@code durable} what the disk alone holds, reopens and appends under a recorder, then
     * checks power-cut images at each of that run's boundaries.
     */
    private void subRun(State onDisk, State durable, long acked, long floor, RecoveryMode mode, String label,
                        long seed) throws Exception {
        drain(); // no image check may run while this sub-run's recorder is the process's FileOps
        final Path dir = tmp.resolve("again-" + (scratchCounter++));
        final Map<Long, Long> ids = onDisk.writeTo(dir, Set.of());
        final AtomicReference<Journal> journal = new AtomicReference<>();
        final BitSet salvaged = new BitSet();
        final PersistenceRecorder recorder = new PersistenceRecorder(dir, durable.rekey(ids), () -> {
            final Journal j = journal.get();
            return j == null ? acked : Math.max(acked, j.durableSequence());
        }, () -> floor);
        final FileOps previous = DurableFiles.useFileOps(recorder);
        subRuns++;
        try (Journal j = Journal.open(config(dir, recorder).recoveryMode(mode).build())) {
            final long next = j.recoveryReport().nextSequence();
            if (j.recoveryReport().bytesSkipped() > 0) {
                // skip-corrupted salvaged frames after damage: the reported holes stay holes
                try (JournalReader reader = JournalReader.open(dir, 0)) {
                    long expect = -1;
                    for (JournalRecord r; (r = reader.next()) != null && r.sequence() < next; ) {
                        if (expect >= 0 && r.sequence() > expect) {
                            salvaged.set((int) expect, (int) r.sequence());
                        }
                        expect = r.sequence() + 1;
                    }
                }
            }
            journal.set(j);
            long receipt = -1;
            for (long s = next; s < next + CONTINUATION; s++) {
                receipt = j.append(payload(s));
            }
            assertTrue(j.awaitDurable(receipt, 30, TimeUnit.SECONDS));
            recorder.mark("end of continuation");
            recorder.stop();
            journal.set(null);
        } catch (CorruptJournalException | IOException e) {
            violations.add(label + ": reopen in " + mode.cliName() + " failed: " + e);
            return;
        } finally {
            DurableFiles.useFileOps(previous);
            clear(dir);
        }
        final Random rnd = new Random(seed);
        final int before = violations.size();
        for (PersistenceRecorder.Boundary b : recorder.boundaries()) {
            final String where = label + ", recovered in " + mode.cliName() + ", then at " + b;
            subStates++;
            check(PersistenceModel.crash(b.durable, b.current, Choices.LOSE_ALL), b.acked, b.floor, salvaged, where);
            check(PersistenceModel.crash(b.durable, b.current, Choices.seeded(rnd.nextLong())), b.acked, b.floor,
                    salvaged, where);
        }
        drain();
        if (violations.size() > before && !Boolean.getBoolean("journal.enumerate.quiet") && debugged++ < 2) {
            System.out.println("steps recorded after " + label + " (a violation was found there):");
            for (PersistenceRecorder.Boundary b : recorder.boundaries()) {
                final StringBuilder ch = new StringBuilder();
                b.current.dir.forEach((n, id) -> ch.append(n).append(Arrays.toString(
                        PersistenceModel.changedPages(b.durable, b.current, id))).append(' '));
                System.out.println("  " + b + " durable=" + describe(b.durable) + " current=" + describe(b.current)
                        + " changed=" + ch);
            }
        }
    }
    private int debugged;
    private final java.util.concurrent.atomic.AtomicLong scanNanos = new java.util.concurrent.atomic.AtomicLong(),
            repairNanos = new java.util.concurrent.atomic.AtomicLong(), readNanos = new java.util.concurrent.atomic.AtomicLong(),
            writeNanos = new java.util.concurrent.atomic.AtomicLong();

    @org.junit.jupiter.api.AfterEach
    void stopCheckers() {
        checkers.shutdownNow(); // also when the test failed before draining
    }

    /** Waits for every submitted image check; a check's own failure (not a violation) fails the test. */
    private void drain() throws Exception {
        for (java.util.concurrent.Future<?> f : pending) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
            }
        }
        pending.clear();
    }

    // ------------------------------------------------------------------ the check

    /**
     * Recovers {@code image} in every mode and checks the contract; skips an image already checked.
     * Each mode scans the image (read-only); modes whose plans agree (same segments, same actions)
     * share one repair and one read-back, which a repair's determinism makes the same outcome.
     */
    private void check(State image, long acked, long floor, String label) throws IOException {
        check(image, acked, floor, new BitSet(), label);
    }

    /** As above; {@code salvaged}: sequences a skip-corrupted recovery before this crash left out (reported holes). */
    private void check(State image, long acked, long floor, BitSet salvaged, String label) throws IOException {
        long h = 1125899906842597L + acked * 31 + floor;
        for (Map.Entry<String, Long> e : image.dir.entrySet()) {
            h = h * 31 + e.getKey().hashCode();
            h = h * 31 + contentHash(image.content.get(e.getValue()));
        }
        if (!seen.add(h)) {
            return;
        }
        statesChecked++;
        inFlight.acquireUninterruptibly();
        pending.add(checkers.submit(() -> {
            try {
                checkImage(image, acked, floor, salvaged, label);
            } finally {
                inFlight.release();
            }
            return null;
        }));
    }

    /**
     * A 64-bit hash of a file's bytes for deduplication: CRC32C and CRC32 side by side (both are
     * intrinsics; {@link Arrays#hashCode(byte[])} went byte by byte and was most of the test thread's time).
     */
    private static long contentHash(byte[] bytes) {
        final CRC32C c = new CRC32C();
        c.update(bytes, 0, bytes.length);
        final CRC32 d = new CRC32();
        d.update(bytes, 0, bytes.length);
        return c.getValue() << 32 ^ d.getValue() ^ (long) bytes.length * 0x9E3779B97F4A7C15L;
    }

    /** Recovers one image in every mode and checks the contract; on a checker thread, in its own directories. */
    private void checkImage(State image, long acked, long floor, BitSet salvaged, String label) throws IOException {
        final long thread = Thread.currentThread().getId();
        final Path base = tmp.resolve("check-image-" + thread);
        long t = System.nanoTime();
        image.writeTo(base, Set.of());
        writeNanos.addAndGet(System.nanoTime() - t);
        final Map<String, List<RecoveryMode>> groups = new java.util.LinkedHashMap<>();
        for (RecoveryMode mode : MODES) {
            final String where = label + ", recovered in " + mode.cliName() + ", image " + describe(image);
            recoveries.incrementAndGet();
            t = System.nanoTime();
            try {
                final RecoveryPlan plan = RecoveryScan.scan(base, mode);
                groups.computeIfAbsent(plan.segments + " " + plan.report.actions() + " " + plan.nextSequence,
                        k -> new ArrayList<>()).add(mode);
            } catch (CorruptJournalException e) {
                if (mode == RecoveryMode.ABSOLUTE) {
                    refusals.incrementAndGet();
                } else {
                    violations.add(where + ": recovery refused: " + e.getMessage());
                }
            } catch (IOException | RuntimeException e) {
                violations.add(where + ": recovery failed: " + e);
            } finally {
                scanNanos.addAndGet(System.nanoTime() - t);
            }
        }
        boolean baseUsed = false;
        for (List<RecoveryMode> modes : groups.values()) {
            final RecoveryMode first = modes.get(0);
            final String where = label + ", recovered in " + modes + ", image " + describe(image);
            final Path dir = baseUsed ? tmp.resolve("check-" + thread) : base; // the first repair may change the scanned copy
            if (baseUsed) {
                image.writeTo(dir, Set.of());
            }
            baseUsed = true;
            final List<Long> seqs = new ArrayList<>();
            t = System.nanoTime();
            try {
                final RecoveryPlan plan = RecoveryScan.scan(dir, first);
                Repair.apply(dir, plan, false, MSYNC);
                repairNanos.addAndGet(System.nanoTime() - t);
                t = System.nanoTime();
                if (!plan.segments.isEmpty()) {
                    try (JournalReader reader = JournalReader.open(dir, 0)) {
                        for (JournalRecord r; (r = reader.next()) != null; ) {
                            final long seq = r.sequence();
                            if (!Arrays.equals(payload(seq), r.payload())) {
                                violations.add(where + ": record " + seq + " returned with wrong content");
                            }
                            seqs.add(seq);
                        }
                    }
                }
                readNanos.addAndGet(System.nanoTime() - t);
            } catch (CorruptJournalException e) {
                violations.add(where + ": repair or reading after it failed after " + seqs.size() + " records: "
                        + e.getMessage());
                continue;
            } catch (IOException | RuntimeException e) {
                violations.add(where + ": repair or reading after it failed: " + e);
                continue;
            }
            for (RecoveryMode mode : modes) {
                checkRecovered(seqs, mode, acked, floor, salvaged, where);
            }
        }
    }

    /** The contract on what one mode recovered: no holes, every acknowledged record at or above the floor. */
    private void checkRecovered(List<Long> seqs, RecoveryMode mode, long acked, long floor, BitSet salvaged,
                                String where) {
        final BitSet got = new BitSet();
        for (int i = 0; i < seqs.size(); i++) {
            final long s = seqs.get(i);
            got.set((int) s);
            final long prev = i == 0 ? s - 1 : seqs.get(i - 1);
            final boolean reportedHole = salvaged.nextClearBit((int) prev + 1) >= s;
            if (s != prev + 1 && !reportedHole && (mode != RecoveryMode.SKIP_CORRUPTED || s <= acked)) {
                violations.add(where + ": hole between records " + prev + " and " + s);
                return;
            }
        }
        got.or(salvaged);
        final int missing = got.nextClearBit((int) floor);
        if (missing < acked) {
            violations.add(where + ": acknowledged record " + missing + " lost (acknowledged below " + acked
                    + ", retention floor " + floor + ", recovered " + (seqs.isEmpty() ? "none"
                    : "[" + seqs.get(0) + ".." + seqs.get(seqs.size() - 1) + "]") + ")");
        }
    }

    private static String describe(State image) {
        final StringBuilder b = new StringBuilder("{");
        image.dir.forEach((name, id) -> b.append(name).append(':').append(image.content.get(id).length).append(' '));
        return b.append('}').toString();
    }

    private static void clear(Path dir) throws IOException {
        new State().writeTo(dir, Set.of());
        java.nio.file.Files.delete(dir);
    }
}
