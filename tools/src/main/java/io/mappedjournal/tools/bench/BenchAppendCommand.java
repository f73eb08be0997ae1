package io.mappedjournal.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mappedjournal.tools.FsyncBenchmark;
import io.mappedjournal.policy.Ordering;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import io.mappedjournal.tools.Ranges;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code journal bench append}: appends from T producer threads into each system in turn, in one
 * process run, and reports appends/s, per-append latency (HdrHistogram; at a fixed {@code --rate}
 * measured from the intended start time, so coordinated omission is corrected), fairness (slowest
 * over fastest thread) and the ratio of each system to mapped-journal.
 */
@Command(name = "append", mixinStandardHelpOptions = true,
        description = "Compare append throughput and latency: mapped-journal, Chronicle Queue, a naive writer, the disk's limit.")
public final class BenchAppendCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--threads", split = ",", defaultValue = "1,4,16", description = "Producer thread counts (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;
    @Option(names = "--record-size", split = ",", defaultValue = "128", description = "Record sizes in bytes (default: ${DEFAULT-VALUE}).")
    List<Integer> recordSizes;
    @Option(names = "--sync", defaultValue = "none", description = "none, always or batch_<N>ms (default: ${DEFAULT-VALUE}).")
    String sync;
    @Option(names = "--systems", split = ",", defaultValue = "mapped-journal,chronicle-queue,naive,disk-limit",
            description = "Systems to run, in order: mapped-journal, mapped-journal-total (Ordering.TOTAL), chronicle-queue, naive, disk-limit, noop (the harness floor: stores nothing) (default: ${DEFAULT-VALUE}).")
    List<String> systems;
    @Option(names = "--duration", defaultValue = "5", description = "Measured seconds per run (default: ${DEFAULT-VALUE}).")
    double duration;
    @Option(names = "--warmup", defaultValue = "1", description = "Unmeasured seconds before each run (default: ${DEFAULT-VALUE}).")
    double warmup;
    @Option(names = "--rate", defaultValue = "0", description = "Total appends/s across threads; 0 = as fast as possible.")
    long rate;
    @Option(names = "--dir", description = "Parent directory for the runs (default: a temporary directory, removed afterwards).")
    Path dir;
    @Option(names = "--json", description = "One JSON object per run on stdout instead of a table.")
    boolean json;
    @Option(names = "--plot", description = "Also draw appends/s against threads, one line per system, into FILE.png.")
    Path plot;
    @Option(names = "--staging-buffer", description = "mapped-journal's staging ring per writer, in bytes (a power of two; default: the journal's own default).")
    Integer stagingBuffer;
    @Option(names = "--memory", description = "Also sample resident memory (RssAnon/RssFile) during each run.")
    boolean memory;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What one run measured. */
    public static final class Result {
        String system;
        int threads;
        int recordSize;
        String sync;
        long rate;
        double opsPerSec;
        Histogram latency;
        long minThreadOps;
        long maxThreadOps;
        String notes;
    }

    @Override
    public Integer call() throws Exception {
        final SyncSpec spec = SyncSpec.parse(sync);
        for (int t : threads) {
            Ranges.check(commandSpec, "--threads", t, 1, 4096, null);
        }
        for (int size : recordSizes) {
            Ranges.check(commandSpec, "--record-size", size, 1, 16 << 20, null);
        }
        Ranges.checkPositive(commandSpec, "--duration", duration, 86_400, null);
        if (!(warmup >= 0)) {
            throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(), "--warmup=" + warmup
                    + " is out of range: expected >= 0");
        }
        Ranges.check(commandSpec, "--rate", rate, 0, Long.MAX_VALUE, null);
        // Checked before anything runs: a wrong extension must not cost the whole benchmark.
        AppendPlot.checkFileName(commandSpec, plot);
        for (String s : systems) {
            if (!List.of("mapped-journal", "mapped-journal-total", "chronicle-queue", "naive", "disk-limit", "noop").contains(s)) {
                throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(), "unknown system '" + s
                        + "': expected mapped-journal, mapped-journal-total, chronicle-queue, naive, disk-limit or noop");
            }
        }
        final int runs = systems.size() * threads.size() * recordSizes.size();
        commandSpec.commandLine().getErr().printf("bench append: plan: %d run%s (%d system%s x %d thread count%s x %d record size%s),"
                        + " each %s s warm-up + %s s measured: about %s s plus opening and deleting each run's files%n",
                runs, runs == 1 ? "" : "s", systems.size(), systems.size() == 1 ? "" : "s", threads.size(),
                threads.size() == 1 ? "" : "s", recordSizes.size(), recordSizes.size() == 1 ? "" : "s",
                seconds(warmup), seconds(duration), seconds(runs * (warmup + duration)));
        final boolean temporary = dir == null;
        final Path parent = temporary ? Files.createTempDirectory("journal-bench-") : Files.createDirectories(dir);
        final PrintWriter out = commandSpec.commandLine().getOut();
        final List<Result> results = new ArrayList<>();
        try {
            int run = 0;
            for (int size : recordSizes) {
                for (int t : threads) {
                    final List<Result> group = new ArrayList<>();
                    for (String system : systems) {
                        final Path runDir = parent.resolve(String.format("run-%03d-%s", run++, system));
                        Files.createDirectories(runDir);
                        commandSpec.commandLine().getErr().printf("bench: %s threads=%d record_size=%d sync=%s rate=%d ...%n", system, t, size,
                                spec.name, rate);
                        final Result r = runOne(system, runDir, spec, t, size);
                        group.add(r);
                        results.add(r);
                        FsyncBenchmark.deleteTree(runDir);
                        if (json) {
                            out.println(toJson(r));
                            out.flush();
                        }
                    }
                    if (!json) {
                        printTable(out, group);
                    }
                }
            }
            if (!json) {
                printLegend(out);
            }
        } finally {
            if (temporary) {
                FsyncBenchmark.deleteTree(parent);
            }
        }
        if (plot != null) {
            AppendPlot.write(results, plot, String.format("%s, sync=%s, %.1f s per run, %d cores",
                    recordSizes.size() == 1 ? recordSizes.get(0) + "-byte records" : "record sizes " + recordSizes,
                    spec.name, duration, Runtime.getRuntime().availableProcessors()));
        }
        return 0;
    }

    private BenchSystem open(String system, Path runDir, SyncSpec spec, int recordSize) throws IOException {
        switch (system) {
            case "mapped-journal": return new MappedJournalSystem(runDir, spec, recordSize, Ordering.PER_PRODUCER, stagingBuffer);
            case "mapped-journal-total": return new MappedJournalSystem(runDir, spec, recordSize, Ordering.TOTAL, stagingBuffer);
            case "chronicle-queue": return new ChronicleQueueSystem(runDir, spec);
            case "naive": return new NaiveSystem(runDir, spec);
            case "noop": return new NoopSystem();
            default: return new DiskLimitSystem(runDir, spec);
        }
    }

    Result runOne(String system, Path runDir, SyncSpec spec, int threadCount, int recordSize) throws Exception {
        final boolean diskLimit = system.equals("disk-limit");
        final int producers = diskLimit ? 1 : threadCount;
        final int perCall = diskLimit ? Math.max(1, (1 << 20) / recordSize) : 1;
        final Histogram[] histograms = new Histogram[producers];
        final long[] ops = new long[producers];
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long warmupNanos = (long) (warmup * 1e9);
        final long measureNanos = (long) (duration * 1e9);
        final long intervalNanos = rate > 0 ? Math.max(1, (long) (1e9 * producers / rate)) : 0;
        final Result result = new Result();
        final MemorySampler sampler = memory ? new MemorySampler() : null;
        try (BenchSystem bench = open(system, runDir, spec, recordSize)) {
            final CountDownLatch ready = new CountDownLatch(producers);
            final CountDownLatch go = new CountDownLatch(1);
            final long[] startHolder = new long[1];
            final List<Thread> all = new ArrayList<>();
            for (int i = 0; i < producers; i++) {
                final int id = i;
                histograms[i] = new Histogram(3_600_000_000_000L, 3);
                final Thread th = new Thread(() -> {
                    try {
                        final BenchSystem.Appender appender = bench.appender(id);
                        final byte[] payload = new byte[recordSize];
                        for (int b = 0; b < recordSize; b++) {
                            payload[b] = (byte) (id * 31 + b);
                        }
                        ready.countDown();
                        go.await();
                        final long start = startHolder[0];
                        final long measureFrom = start + warmupNanos;
                        final long end = measureFrom + measureNanos;
                        long n = 0;
                        long count = 0;
                        final Histogram h = histograms[id];
                        while (true) {
                            final long intended = intervalNanos > 0 ? start + n * intervalNanos : 0;
                            long now = System.nanoTime();
                            if (intervalNanos > 0) {
                                while (now < intended) {
                                    if (intended - now > 50_000) {
                                        LockSupport.parkNanos(intended - now - 20_000);
                                    } else {
                                        Thread.yield();
                                    }
                                    now = System.nanoTime();
                                }
                            }
                            if (now >= end) {
                                break;
                            }
                            payload[0] = (byte) n;
                            final long before = intervalNanos > 0 ? intended : now;
                            appender.append(payload);
                            final long after = System.nanoTime();
                            if (before >= measureFrom) {
                                h.recordValue(Math.max(1, after - before));
                                count += perCall;
                            }
                            n++;
                        }
                        ops[id] = count;
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        ready.countDown();
                    }
                }, "bench-" + system + "-" + i);
                all.add(th);
                th.start();
            }
            ready.await();
            startHolder[0] = System.nanoTime();
            go.countDown();
            for (Thread th : all) {
                th.join();
            }
            if (failure.get() != null) {
                throw new IOException(system + " failed: " + failure.get(), failure.get());
            }
            long total = 0;
            long min = Long.MAX_VALUE;
            long max = 0;
            final Histogram merged = new Histogram(3_600_000_000_000L, 3);
            for (int i = 0; i < producers; i++) {
                total += ops[i];
                min = Math.min(min, ops[i]);
                max = Math.max(max, ops[i]);
                merged.add(histograms[i]);
            }
            result.system = system;
            result.threads = threadCount;
            result.recordSize = recordSize;
            result.sync = spec.name;
            result.rate = rate;
            result.opsPerSec = total / (measureNanos / 1e9);
            result.latency = merged;
            result.minThreadOps = min;
            result.maxThreadOps = max;
            bench.close();
            result.notes = bench.notes();
        } finally {
            if (sampler != null) {
                sampler.close();
            }
        }
        if (sampler != null) {
            result.notes = (result.notes + " " + sampler.report()).trim();
        }
        return result;
    }

    static String toJson(Result r) {
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("system", r.system);
        o.put("threads", r.threads);
        o.put("record_size", r.recordSize);
        o.put("sync", r.sync);
        o.put("rate", r.rate);
        o.put("ops_per_sec", Math.round(r.opsPerSec));
        o.put("p50_ns", r.latency.getValueAtPercentile(50));
        o.put("p99_ns", r.latency.getValueAtPercentile(99));
        o.put("p999_ns", r.latency.getValueAtPercentile(99.9));
        o.put("max_ns", r.latency.getMaxValue());
        o.put("fairness", r.maxThreadOps == 0 ? 0 : (double) r.minThreadOps / r.maxThreadOps);
        o.put("notes", r.notes);
        return o.toString();
    }

    private static String seconds(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : String.format("%.1f", s);
    }

    /** What the table's less obvious columns mean, once, after the last table. */
    static void printLegend(PrintWriter out) {
        out.printf("%nratio:      appends/s divided by mapped-journal's in the same table (1.00 = the same; 2.00 = twice as many)%n");
        out.printf("fairness:   the slowest producer thread's appends divided by the fastest's (1.00 = every thread got"
                + " the same share; near 0 = some threads starved)%n");
        out.printf("blocked_ms: (mapped-journal notes) total milliseconds producers waited for room in a full staging"
                + " ring (backpressure BLOCK), summed over threads; 0 = the master always kept up%n");
        out.flush();
    }

    private static void printTable(PrintWriter out, List<Result> group) {
        final Result base = group.stream().filter(r -> r.system.equals("mapped-journal")).findFirst().orElse(group.get(0));
        out.printf("%nthreads=%d record_size=%d sync=%s rate=%s%n", base.threads, base.recordSize, base.sync,
                base.rate == 0 ? "max" : base.rate + "/s");
        out.printf("%-16s %14s %8s %10s %10s %10s %12s %9s  %s%n", "system", "appends/s", "ratio", "p50 ns", "p99 ns",
                "p99.9 ns", "max ns", "fairness", "notes");
        for (Result r : group) {
            out.printf("%-16s %,14.0f %8.2f %,10d %,10d %,10d %,12d %9.2f  %s%n", r.system, r.opsPerSec,
                    r.opsPerSec / Math.max(1, base.opsPerSec), r.latency.getValueAtPercentile(50),
                    r.latency.getValueAtPercentile(99), r.latency.getValueAtPercentile(99.9), r.latency.getMaxValue(),
                    r.maxThreadOps == 0 ? 0.0 : (double) r.minThreadOps / r.maxThreadOps, r.notes);
        }
        out.flush();
    }
}
