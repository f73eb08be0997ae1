package io.mappedjournal.tools;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalException;
import io.mappedjournal.inspect.JournalFiles;
import io.mappedjournal.metrics.MetricsSnapshot;
import io.mappedjournal.policy.SyncPolicy;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The fsync durability benchmark, shared by {@code journal bench fsync} and {@code journal node}:
 * for one sync strategy, a fresh journal, {@code entries} appends of {@code recordSize} bytes
 * split over {@code threads} threads, and what was measured:
 * <ul>
 *   <li>{@code always} ({@link SyncPolicy#always()}): every entry is waited for
 *       ({@link Journal#awaitDurable}) before that thread appends its next one; the latency is
 *       append to durable. With several threads each waits only for its own entries, so one
 *       sync covers the entries of every thread waiting at that moment (group commit).</li>
 *   <li>{@code batch_<N>ms} ({@link SyncPolicy#batch}): appends are not waited for; the latency
 *       is the append call; the time runs until the final {@link Journal#flush()} returned, so
 *       every entry is durable when the clock stops.</li>
 *   <li>{@code none} ({@link SyncPolicy#none()}): no sync; the latency is the append call; the
 *       time runs until every entry is written into the mapped segment (the page cache), not
 *       synced. The sync the journal's close does is not timed.</li>
 * </ul>
 * Opening and closing the journal are not timed. The segment size fits the whole run (1 MiB
 * to 64 MiB), so a run below 64 MiB of frames never rolls.
 */
public final class FsyncBenchmark {
    /** Upper bound of entries per strategy (the node refuses more; the CLI too). */
    static final int MAX_ENTRIES = 10_000_000;
    static final int MAX_RECORD_SIZE = 64 << 10;
    static final int MAX_THREADS = 256;
    /** Where {@code none} is drawn on the loss-window axis: Linux's dirty_expire_centisecs default, 30 s. */
    static final double NONE_WINDOW_MILLIS = 30_000;

    /** One strategy's outcome. */
    static final class Result {
        final String strategy;
        final String durability;
        final String lossWindow;
        final int entries;
        final int threads;
        final int recordSize;
        final long elapsedNanos;
        final Histogram latency;
        final String latencyMeasures;
        final String timedUntil;
        final long syncs;
        /** Entries per round, as requested; {@link #entries} counts every timed entry (rounds x this). */
        final int requestedEntries;
        /** Timed rounds of {@link #requestedEntries} entries. */
        final int rounds;

        Result(String strategy, String durability, String lossWindow, int entries, int threads, int recordSize,
               long elapsedNanos, Histogram latency, String latencyMeasures, String timedUntil, long syncs) {
            this(strategy, durability, lossWindow, entries, threads, recordSize, elapsedNanos, latency, latencyMeasures,
                    timedUntil, syncs, entries, 1);
        }

        Result(String strategy, String durability, String lossWindow, int entries, int threads, int recordSize,
               long elapsedNanos, Histogram latency, String latencyMeasures, String timedUntil, long syncs,
               int requestedEntries, int rounds) {
            this.requestedEntries = requestedEntries;
            this.rounds = rounds;
            this.strategy = strategy;
            this.durability = durability;
            this.lossWindow = lossWindow;
            this.entries = entries;
            this.threads = threads;
            this.recordSize = recordSize;
            this.elapsedNanos = elapsedNanos;
            this.latency = latency;
            this.latencyMeasures = latencyMeasures;
            this.timedUntil = timedUntil;
            this.syncs = syncs;
        }

        double opsPerSec() {
            return entries / (Math.max(1, elapsedNanos) / 1e9);
        }

        /** The loss window in milliseconds, with {@code none} at {@link #NONE_WINDOW_MILLIS}. */
        double lossWindowMillis() {
            return "seconds".equals(lossWindow) ? NONE_WINDOW_MILLIS
                    : Double.parseDouble(lossWindow.substring(0, lossWindow.length() - 2));
        }
    }

    private FsyncBenchmark() {
    }

    /**
     * Parses a strategy: {@code always}, {@code none} or {@code batch_<N>ms}.
     *
     * @throws IllegalArgumentException naming the strategy and what is accepted
     */
    static SyncPolicy parse(String strategy) {
        try {
            return SyncPolicy.parse(strategy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown strategy '" + strategy
                    + "': expected always, none or batch_<N>ms with N >= 1 (e.g. batch_10ms)");
        }
    }

    /** {@code every_write}, {@code every_<N>ms} or {@code os_dependent}. */
    static String durability(SyncPolicy p) {
        if (p == SyncPolicy.ALWAYS) {
            return "every_write";
        }
        if (p == SyncPolicy.NONE) {
            return "os_dependent";
        }
        return "every_" + p.lossWindow();
    }

    /** Segment size that holds the whole run, between 1 MiB and 64 MiB, a multiple of 4096. */
    static long segmentSizeFor(long entries, int recordSize) {
        final long need = JournalFiles.dataOffset() + entries * JournalFiles.frameLength(recordSize) + 64;
        final long rounded = (need + 4095) & -4096L;
        return Math.max(1L << 20, Math.min(64L << 20, rounded));
    }

    /**
     * A strategy's timed rounds repeat until at least this much time was measured. A round of a
     * few entries is dominated by fixed costs (the hand-off to the threads, the master waking from
     * its idle park, the final sync), which made {@code none} look slower than {@code batch} at
     * 100 entries; repeated rounds measure the strategy instead.
     */
    static final long MIN_MEASURED_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Entries of the untimed warm-up round (JIT, first page faults), at most the request's own. */
    static final int WARMUP_ENTRIES = 1000;

    /**
     * Runs one strategy once over {@code entries} entries on a fresh journal in {@code dir}
     * (created; must not hold a journal): {@code journal bench fsync}, which has its own warm-up.
     *
     * @param progress called from the calling thread with the entries appended so far (may be null)
     */
    static Result run(Path dir, String strategy, int entries, int recordSize, int threads, LongConsumer progress)
            throws IOException, InterruptedException {
        return run(dir, strategy, entries, recordSize, threads, progress, 0);
    }

    /**
     * Runs one strategy on a fresh journal in {@code dir}; with {@code minMeasuredNanos > 0} (the
     * node), an untimed warm-up round (not for always), then rounds of {@code entries} entries
     * until that much time was measured or {@link #MAX_ENTRIES} timed. always's rounds each end
     * with their last entry durable; batch's each end when the policy's own sync (its tick, not a
     * forced flush) made them durable; none's run back to back and the clock stops once, when the
     * last round is written. Without repeated rounds ({@code journal bench fsync}), batch's clock
     * stops once, when a final flush returned.
     * The result counts every timed entry.
     */
    static Result run(Path dir, String strategy, int entries, int recordSize, int threads, LongConsumer progress,
                      long minMeasuredNanos) throws IOException, InterruptedException {
        final SyncPolicy policy = parse(strategy);
        final boolean waitEach = policy == SyncPolicy.ALWAYS;
        final int warmup = Math.min(entries, WARMUP_ENTRIES);
        // Room for the warm-up and enough rounds; past 64 MiB the journal rolls (like any journal).
        final long plannedEntries = Math.min((long) MAX_ENTRIES, Math.max(entries * 4L, 100_000L));
        final JournalConfig config = JournalConfig.builder(dir)
                .syncPolicy(policy)
                .segmentSize(segmentSizeFor(warmup + plannedEntries, recordSize))
                .maxRecordSize(Math.max(recordSize, 1))
                .build();
        final Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long elapsed = 0;
        long timed = 0;
        int rounds = 0;
        final MetricsSnapshot metrics;
        try (Journal journal = Journal.open(config)) {
            if (!waitEach && minMeasuredNanos > 0) {
                // always is bound by its syncs (milliseconds each), not by the JIT: no warm-up there.
                round(journal, policy, strategy, warmup, recordSize, threads, null,
                        new Histogram(TimeUnit.SECONDS.toNanos(60), 3));
            }
            final long syncsBefore = journal.metrics().syncs();
            // With repeated rounds (the node), batch's clock of a round runs until the policy's own
            // sync made the round durable: appended back to back, batch would measure the same
            // append calls as none, and the two came out in either order (593,757 vs 585,285/s).
            final boolean roundsToDurable = minMeasuredNanos > 0 && !waitEach && policy != SyncPolicy.NONE;
            do {
                elapsed += round(journal, policy, strategy, entries, recordSize, threads, progress, all);
                if (roundsToDurable) {
                    final long s = System.nanoTime();
                    awaitPolicyDurable(journal);
                    elapsed += System.nanoTime() - s;
                }
                timed += entries;
                rounds++;
            } while (elapsed < minMeasuredNanos && timed + entries <= MAX_ENTRIES);
            if (!waitEach && !roundsToDurable) {
                final long s = System.nanoTime();
                complete(journal, policy);
                elapsed += System.nanoTime() - s;
            }
            metrics = journal.metrics();
            return new Result(policy.name(), durability(policy), policy.lossWindow(), (int) timed, threads, recordSize,
                    elapsed, all, waitEach ? "append_to_durable" : "append_call",
                    waitEach ? "last entry durable" : policy == SyncPolicy.NONE ? "all written to the mapped segment, unsynced"
                            : roundsToDurable ? "each round durable by the policy's own sync" : "final flush() returned",
                    metrics.syncs() - syncsBefore, entries, rounds);
        }
    }

    /** One round: {@code entries} appends split over the threads; returns the nanoseconds the strategy's clock ran. */
    private static long round(Journal journal, SyncPolicy policy, String strategy, int entries, int recordSize, int threads,
                              LongConsumer progress, Histogram into) throws IOException, InterruptedException {
        final boolean waitEach = policy == SyncPolicy.ALWAYS;
        final Histogram[] latency = new Histogram[threads];
        final AtomicLongArray done = new AtomicLongArray(threads);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch go = new CountDownLatch(1);
        final Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            final int id = t;
            final int share = entries / threads + (t < entries % threads ? 1 : 0);
            latency[t] = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            workers[t] = new Thread(() -> {
                final byte[] payload = Payloads.of(id, 0, recordSize);
                final Histogram h = latency[id];
                try {
                    go.await();
                    for (int i = 0; i < share; i++) {
                        final long s = System.nanoTime();
                        final long receipt = journal.append(payload, 0, recordSize);
                        if (waitEach && !journal.awaitDurable(receipt, 60, TimeUnit.SECONDS)) {
                            throw new JournalException("entry not durable after 60 s: strategy=" + strategy
                                    + " thread=" + id + " entry=" + i);
                        }
                        h.recordValue(Math.min(h.getHighestTrackableValue(), Math.max(1, System.nanoTime() - s)));
                        if ((i & 63) == 63) {
                            done.lazySet(id, i + 1);
                        }
                    }
                    done.lazySet(id, share);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-fsync-" + strategy + "-" + t);
            workers[t].start();
        }
        final long start = System.nanoTime();
        go.countDown();
        for (Thread w : workers) {
            while (w.isAlive()) {
                w.join(100);
                if (progress != null) {
                    long sum = 0;
                    for (int t = 0; t < threads; t++) {
                        sum += done.get(t);
                    }
                    progress.accept(sum);
                }
            }
        }
        rethrow(failure.get());
        final long elapsed = System.nanoTime() - start;
        for (Histogram h : latency) {
            into.add(h);
        }
        return elapsed;
    }

    /**
     * Waits, without asking for a sync, until the policy's own syncs made every entry appended so
     * far durable (a wait or a flush would make the master sync at once, not at the policy's tick).
     */
    private static void awaitPolicyDurable(Journal journal) throws IOException {
        final long target = journal.recoveryReport().nextSequence() + journal.metrics().appended();
        while (journal.durableSequence() < target) {
            if (journal.failure() != null) {
                rethrow(journal.failure());
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /** Where batch's and none's clock stops: every entry appended so far flushed (batch) or written (none). */
    private static void complete(Journal journal, SyncPolicy policy) throws IOException, InterruptedException {
        if (policy == SyncPolicy.NONE) {
            final long target = journal.recoveryReport().nextSequence() + journal.metrics().appended();
            while (journal.writtenSequence() < target) {
                if (journal.failure() != null) {
                    rethrow(journal.failure());
                }
                Thread.onSpinWait();
            }
        } else {
            journal.flush();
        }
    }

    private static void rethrow(Throwable t) throws IOException {
        if (t == null) {
            return;
        }
        if (t instanceof IOException) {
            throw (IOException) t;
        }
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        throw new IOException(t.getMessage(), t);
    }

    /** Deletes a directory tree (a benchmark's own temporary directory). */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
