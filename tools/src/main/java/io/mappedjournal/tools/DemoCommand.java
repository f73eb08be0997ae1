package io.mappedjournal.tools;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.metrics.MetricsSnapshot;
import io.mappedjournal.policy.SyncPolicy;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The main job: many producer threads append into a journal for a few seconds (a live progress
 * line on stderr), then the journal is reopened and every record verified byte for byte.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Append from many threads into a journal, reopen it, verify every record, print a summary.")
public final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", defaultValue = "demo-journal", description = "Journal directory (default: ${DEFAULT-VALUE}).")
    Path dir;
    @Option(names = "--threads", defaultValue = "8", description = "Producer threads (default: ${DEFAULT-VALUE}).")
    int threads;
    @Option(names = "--seconds", defaultValue = "3", description = "How long to append (default: ${DEFAULT-VALUE}).")
    double seconds;
    @Option(names = "--record-size", defaultValue = "128", description = "Bytes per record: 0 (empty records) or 32..65536 (default: ${DEFAULT-VALUE}).")
    int recordSize;
    @Option(names = "--sync", defaultValue = "batch_10ms", description = "always, batch_<N>ms or none (default: ${DEFAULT-VALUE}).")
    String sync;

    @Option(names = "--fresh", description = "Delete the journal in --dir first (only journal files; refuses a directory"
            + " holding anything else). Without it, a rerun appends after the records already there.")
    boolean fresh;

    /** Producers are the journal's writers: the default config allows 256. */
    static final int MAX_THREADS = 256;
    /** At least the {@code t=<t> n=<n> } prefix every record is checked by; at most the default max record size. */
    static final int MIN_RECORD_SIZE = 32;
    static final int MAX_RECORD_SIZE = 64 << 10;
    static final double MAX_SECONDS = 3600;

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        Ranges.check(spec, "--threads", threads, 1, MAX_THREADS, "the journal's default maxWriters");
        Ranges.checkPositive(spec, "--seconds", seconds, MAX_SECONDS, null);
        if (recordSize != 0) { // 0: empty records, checked by count and length
            Ranges.check(spec, "--record-size", recordSize, MIN_RECORD_SIZE, MAX_RECORD_SIZE,
                    "or 0 for empty records; room for the checked 't=<t> n=<n> ' prefix, up to the journal's"
                            + " default maxRecordSize");
        }
        final SyncPolicy policy = SyncPolicy.parse(sync);
        describeDirectory(spec.commandLine().getErr());
        final long[] counts = new long[threads];
        final Histogram[] latency = new Histogram[threads];
        final long startSequence;
        final long endSequence;
        final MetricsSnapshot finalMetrics;
        final long appendNanos;
        try (Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(policy).build())) {
            startSequence = journal.recoveryReport().nextSequence();
            final AtomicBoolean stop = new AtomicBoolean();
            final CountDownLatch done = new CountDownLatch(threads);
            final List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                latency[t] = new Histogram(3);
                final Thread th = new Thread(() -> {
                    final byte[] payload = new byte[recordSize];
                    long n = 0;
                    try {
                        while (!stop.get()) {
                            Payloads.fill(payload, id, n);
                            final long s = System.nanoTime();
                            journal.append(payload);
                            latency[id].recordValue(Math.max(1, System.nanoTime() - s));
                            n++;
                        }
                    } finally {
                        counts[id] = n;
                        done.countDown();
                    }
                }, "demo-producer-" + t);
                producers.add(th);
            }
            final long start = System.nanoTime();
            producers.forEach(Thread::start);
            final long end = start + (long) (seconds * 1e9);
            // The tool's one progress display (ProgressBar): a bar over the run's seconds on a
            // terminal, nothing when stderr is redirected.
            final long totalMillis = Math.max(1, (long) (seconds * 1000));
            final ProgressBar progress = ProgressBar.onTerminal(spec.commandLine().getErr(), "demo", totalMillis);
            long lastAppended = 0;
            long lastTime = start;
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(250, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                final MetricsSnapshot m = journal.metrics();
                final long now = System.nanoTime();
                final double rate = (m.appended() - lastAppended) / ((now - lastTime) / 1e9);
                lastAppended = m.appended();
                lastTime = now;
                progress.update((now - start) / 1_000_000, String.format("%5.1fs  %,12d records  %,10.0f rec/s  staging %5.1f%%  syncs %,6d  durable lag %,8d",
                        (now - start) / 1e9, m.appended(), rate, 100.0 * m.stagingUsedBytes() / Math.max(1, m.stagingBoundBytes()),
                        m.syncs(), m.durableLagRecords()));
            }
            stop.set(true);
            done.await();
            appendNanos = System.nanoTime() - start;
            journal.flush();
            progress.finish();
            finalMetrics = journal.metrics();
            endSequence = journal.durableSequence();
        }
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        // Reopen (recovery runs) and verify every record of this run.
        final long verifyStart = System.nanoTime();
        final long[] next = new long[threads];
        long verified = 0;
        try (Journal reopened = Journal.open(JournalConfig.builder(dir).syncPolicy(policy).build());
             JournalReader reader = reopened.reader(startSequence)) {
            for (JournalRecord r; (r = reader.next()) != null; ) {
                final byte[] p = r.payload();
                if (recordSize == 0) {
                    // empty records (markers) carry no producer id: check the length, count them
                    if (p.length != 0) {
                        out.printf("FAILED: record %d has %d bytes, expected an empty record%n", r.sequence(), p.length);
                        return 1;
                    }
                    verified++;
                    continue;
                }
                final long[] tn = Payloads.parse(p, p.length);
                if (tn == null || tn[0] < 0 || tn[0] >= threads) {
                    out.printf("FAILED: record %d is not a demo record%n", r.sequence());
                    return 1;
                }
                final int t = (int) tn[0];
                if (tn[1] != next[t] || !Payloads.matches(p, p.length, t, tn[1])) {
                    out.printf("FAILED: record %d: producer %d expected n=%d, found n=%d (or bytes differ)%n",
                            r.sequence(), t, next[t], tn[1]);
                    return 1;
                }
                next[t]++;
                verified++;
            }
        }
        if (recordSize == 0 && verified != total) {
            out.printf("FAILED: %d empty records appended, %d found after reopening%n", total, verified);
            return 1;
        }
        for (int t = 0; t < threads && recordSize > 0; t++) {
            if (next[t] != counts[t]) {
                out.printf("FAILED: producer %d appended %d records, %d found after reopening%n", t, counts[t], next[t]);
                return 1;
            }
        }
        final Histogram all = new Histogram(3);
        for (Histogram h : latency) {
            all.add(h);
        }
        out.printf("mapped-journal demo: %d threads x %d-byte records, sync=%s, dir=%s%n", threads, recordSize,
                policy.name(), dir.toAbsolutePath());
        out.printf("  appended      %,d records in %.2f s = %,.0f records/s (%.1f MB/s)%n", total, appendNanos / 1e9,
                total / (appendNanos / 1e9), total * (double) recordSize / (appendNanos / 1e9) / 1e6);
        out.printf("  append latency  p50 %,d ns  p99 %,d ns  p99.9 %,d ns  max %,d ns%n",
                all.getValueAtPercentile(50), all.getValueAtPercentile(99), all.getValueAtPercentile(99.9),
                all.getMaxValue());
        out.printf("  syncs         %,d (%.0f records per sync), sync p99 %.2f ms, segment rolls %d%n",
                finalMetrics.syncs(), finalMetrics.recordsPerSync(),
                finalMetrics.syncLatencyNanos().getValueAtPercentile(99) / 1e6, finalMetrics.rolls());
        out.printf("  verified      reopened the journal; all %,d records of this run (sequences %d..%d) read back "
                        + "byte-exact, each producer's records complete and in order, in %.2f s%n",
                verified, startSequence, endSequence - 1, (System.nanoTime() - verifyStart) / 1e9);
        return 0;
    }

    /**
     * Says on stderr what happens to {@code --dir}: created, emptied ({@code --fresh}), or reused with
     * its size, so a rerun never silently appends hundreds of megabytes.
     */
    private void describeDirectory(PrintWriter err) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(dir)) {
            err.printf("demo: new journal in %s%n", dir);
            return;
        }
        final List<Path> files;
        try (java.util.stream.Stream<Path> list = java.nio.file.Files.list(dir)) {
            files = list.sorted().toList();
        }
        if (files.isEmpty()) {
            err.printf("demo: new journal in %s (empty directory)%n", dir);
            return;
        }
        long bytes = 0;
        for (Path f : files) {
            bytes += java.nio.file.Files.isRegularFile(f) ? java.nio.file.Files.size(f) : 0;
        }
        if (fresh) {
            final List<String> foreign = files.stream().map(f -> f.getFileName().toString())
                    .filter(n -> !isJournalFile(n)).toList();
            if (!foreign.isEmpty()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--fresh refuses to empty " + dir
                        + ": it holds files that are not a journal's: " + foreign);
            }
            for (Path f : files) {
                java.nio.file.Files.delete(f);
            }
            err.printf("demo: --fresh: deleted the journal in %s (%d files, %s)%n", dir, files.size(), size(bytes));
            return;
        }
        err.printf("demo: reusing %s (%d files, %s): this run appends after the records already there"
                + " (--fresh starts over)%n", dir, files.size(), size(bytes));
    }

    /** The names a journal directory holds: segments, their preallocated and backup copies, manifests, the lock. */
    static boolean isJournalFile(String name) {
        return name.matches("\\d{20}\\.seg.*|manifest\\.[01]|journal\\.lock|.*\\.broken.*");
    }

    static String size(long bytes) {
        return bytes >= 10L << 20 ? String.format("%,d MB", bytes >> 20) : String.format("%,d bytes", bytes);
    }
}
