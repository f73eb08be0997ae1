package io.mappedjournal.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code journal bench fsync}: ops/sec, durability, data-loss window and append latency for each
 * sync strategy, each on a fresh journal. What is timed per strategy is in {@link FsyncBenchmark}
 * and printed with the table.
 */
@Command(name = "fsync", mixinStandardHelpOptions = true,
        description = {"The fsync durability benchmark: for each strategy in order, on a fresh journal: ops/sec, durability, "
                + "data-loss window, append latency p50/p99/p99.9.",
                "Strategies: always (every entry synced before it is acknowledged), batch_<N>ms (group commit every N ms), "
                        + "none (OS writeback). Runs in a temporary directory, removed afterwards, unless --dir is given."},
        footer = {"", "What is timed:",
                "  always       each entry is awaited durable before that thread appends",
                "               again; latency = append to durable",
                "  batch_<N>ms  appends are not waited for; latency = the append call;",
                "               the clock stops when the final flush() has returned",
                "  none         no sync; latency = the append call; the clock stops when",
                "               every entry is in the mapped segment (page cache, unsynced)",
                "Not timed: opening and closing each journal, the warm-up (--warmup)."})
public final class BenchFsyncCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--entries", paramLabel = "N", defaultValue = "10000",
            description = "Entries per strategy, split over the threads (default: ${DEFAULT-VALUE}).")
    int entries;

    @Option(names = "--strategies", paramLabel = "STRATEGY", split = ",", defaultValue = "always,batch_1ms,batch_10ms,batch_100ms,none",
            description = "Comma-separated strategies, run in this order (default: ${DEFAULT-VALUE}).")
    List<String> strategies;

    @Option(names = "--record-size", paramLabel = "S", defaultValue = "128",
            description = "Bytes per entry (default: ${DEFAULT-VALUE}, at most 65536).")
    int recordSize;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "Appending threads; each waits for its own entries under 'always' (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--dir", paramLabel = "D",
            description = "Run in D/fsync-<strategy> (kept) instead of a temporary directory (removed).")
    Path dir;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "20000",
            description = "Untimed appends (strategy none, same threads and record size) on a throwaway journal before "
                    + "the first strategy, so that no strategy is timed while the JIT is still compiling; 0 for none "
                    + "(default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", description = "One JSON object per strategy per line instead of the table.")
    boolean json;

    @Option(names = "--plot", paramLabel = "FILE", description = "Draw ops/sec (log scale) against the data-loss window into FILE (.png or .svg).")
    Path plot;

    @Override
    public Integer call() throws IOException, InterruptedException {
        validate();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Path root = dir != null ? dir : Files.createTempDirectory("journal-bench-fsync-");
        final List<FsyncBenchmark.Result> results = new ArrayList<>();
        try {
            if (dir != null) {
                Files.createDirectories(dir);
                for (String s : strategies) {
                    final Path d = dir.resolve("fsync-" + s);
                    if (Files.exists(d)) {
                        throw new ParameterException(spec.commandLine(), "--dir: " + d
                                + " already exists; give an empty directory (the benchmark needs a fresh journal per strategy)");
                    }
                }
            }
            if (!json) {
                out.printf("fsync durability benchmark: %d entries x %d bytes, %d thread%s, %s%n", entries, recordSize,
                        threads, threads == 1 ? "" : "s", dir != null ? "in " + dir : "in a temporary directory (removed afterwards)");
                if (warmup > 0) {
                    out.printf("warm-up: %d untimed appends first%n", warmup);
                }
                out.printf("%-14s %12s  %-14s %-12s %10s %10s %10s %8s%n", "strategy", "ops/sec", "durability",
                        "loss window", "p50", "p99", "p99.9", "syncs");
                out.flush();
            }
            if (warmup > 0) {
                final Path w = root.resolve("fsync-warmup" + (dir == null ? "" : "-" + ProcessHandle.current().pid()));
                FsyncBenchmark.run(w, "none", warmup, recordSize, threads, null);
                FsyncBenchmark.deleteTree(w);
            }
            int index = 0;
            for (String s : strategies) {
                index++;
                final Path d = root.resolve("fsync-" + s + (dir == null ? "-" + index : ""));
                final ProgressBar bar = ProgressBar.onTerminal(err, String.format("%-12s", s), entries);
                final FsyncBenchmark.Result r = FsyncBenchmark.run(d, s, entries, recordSize, threads,
                        bar.enabled() ? n -> bar.update(n, n + "/" + entries) : null);
                bar.finish();
                if (dir == null) {
                    FsyncBenchmark.deleteTree(d);
                }
                results.add(r);
                if (json) {
                    out.println(toJson(r));
                } else {
                    out.printf("%-14s %12s  %-14s %-12s %10s %10s %10s %8d%n", r.strategy,
                            String.format(Locale.ROOT, "%,.0f", r.opsPerSec()), r.durability, r.lossWindow,
                            nanos(r.latency.getValueAtPercentile(50)), nanos(r.latency.getValueAtPercentile(99)),
                            nanos(r.latency.getValueAtPercentile(99.9)), r.syncs);
                }
                out.flush();
            }
        } finally {
            if (dir == null) {
                FsyncBenchmark.deleteTree(root);
            }
        }
        if (!json) {
            out.println("latency: always = append to durable (awaitDurable); batch_<N>ms and none = the append call.");
            out.println("time: always until the last entry is durable; batch_<N>ms until the final flush() returned; "
                    + "none until every entry is in the mapped segment (unsynced).");
        }
        if (plot != null) {
            FsyncPlot.write(results, plot, String.format(Locale.ROOT, "%d entries x %d B, %d thread%s; %s", entries,
                    recordSize, threads, threads == 1 ? "" : "s", machine()));
            if (!json) {
                out.println("plot: " + plot);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void validate() {
        if (entries < 1 || entries > FsyncBenchmark.MAX_ENTRIES) {
            throw new ParameterException(spec.commandLine(), "--entries must be in [1, " + FsyncBenchmark.MAX_ENTRIES
                    + "]: --entries=" + entries);
        }
        if (warmup < 0 || warmup > FsyncBenchmark.MAX_ENTRIES) {
            throw new ParameterException(spec.commandLine(), "--warmup must be in [0, " + FsyncBenchmark.MAX_ENTRIES
                    + "]: --warmup=" + warmup);
        }
        if (recordSize < 1 || recordSize > FsyncBenchmark.MAX_RECORD_SIZE) {
            throw new ParameterException(spec.commandLine(), "--record-size must be in [1, "
                    + FsyncBenchmark.MAX_RECORD_SIZE + "]: --record-size=" + recordSize);
        }
        if (threads < 1 || threads > FsyncBenchmark.MAX_THREADS) {
            throw new ParameterException(spec.commandLine(), "--threads must be in [1, " + FsyncBenchmark.MAX_THREADS
                    + "]: --threads=" + threads);
        }
        if (strategies.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--strategies is empty");
        }
        for (String s : strategies) {
            try {
                FsyncBenchmark.parse(s);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--strategies: " + e.getMessage());
            }
        }
        if (dir != null && new java.util.HashSet<>(strategies).size() != strategies.size()) {
            throw new ParameterException(spec.commandLine(), "--strategies names a strategy twice; with --dir each "
                    + "strategy's journal is kept in D/fsync-<strategy>, so each may appear once: --strategies="
                    + String.join(",", strategies));
        }
        if (plot != null) {
            final String n = plot.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!n.endsWith(".png") && !n.endsWith(".svg")) {
                throw new ParameterException(spec.commandLine(), "--plot must name a .png or .svg file: --plot=" + plot);
            }
        }
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + ", Java " + System.getProperty("java.version");
    }

    /** Human units: ns below 1 us, us below 1 ms, then ms. */
    static String nanos(long ns) {
        if (ns < 1_000) {
            return ns + " ns";
        }
        if (ns < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f us", ns / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
    }

    static String toJson(FsyncBenchmark.Result r) {
        final ObjectMapper m = new ObjectMapper();
        final ObjectNode o = m.createObjectNode();
        o.put("strategy", r.strategy);
        o.put("ops_per_sec", new BigDecimal(r.opsPerSec()).setScale(1, RoundingMode.HALF_UP));
        o.put("durability", r.durability);
        o.put("data_loss_window", r.lossWindow);
        o.put("entries", r.entries);
        o.put("threads", r.threads);
        o.put("record_size", r.recordSize);
        o.put("elapsed_ms", new BigDecimal(r.elapsedNanos / 1e6).setScale(3, RoundingMode.HALF_UP));
        final Histogram h = r.latency;
        final ObjectNode l = o.putObject("latency_ns");
        l.put("p50", h.getValueAtPercentile(50));
        l.put("p99", h.getValueAtPercentile(99));
        l.put("p99_9", h.getValueAtPercentile(99.9));
        l.put("max", h.getMaxValue());
        o.put("latency_measures", r.latencyMeasures);
        o.put("timed_until", r.timedUntil);
        o.put("syncs", r.syncs);
        try {
            return m.writer().with(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                    .writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
