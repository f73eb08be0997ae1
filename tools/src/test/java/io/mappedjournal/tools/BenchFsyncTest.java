package io.mappedjournal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench fsync} on the real journal, with small runs. */
class BenchFsyncTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Set<String> benchTempDirs() throws IOException {
        final Set<String> names = new HashSet<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")),
                "journal-bench-fsync-*")) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    @Test
    void jsonLinesPerStrategyInOrderAndAPlot() throws Exception {
        final Set<String> before = benchTempDirs();
        final Path svg = tmp.resolve("curve.svg");
        final Cli.Run run = Cli.run("bench", "fsync", "--entries", "200", "--strategies", "always,batch_5ms,none",
                "--threads", "2", "--json", "--plot", svg.toString());
        assertEquals(0, run.exit, run.toString());
        final String[] lines = run.out.split("\n");
        assertEquals(3, lines.length, run.out);
        final String[][] expected = {{"always", "every_write", "0ms", "append_to_durable"},
                {"batch_5ms", "every_5ms", "5ms", "append_call"}, {"none", "os_dependent", "seconds", "append_call"}};
        for (int i = 0; i < 3; i++) {
            final JsonNode o = JSON.readTree(lines[i]);
            final List<String> fields = new ArrayList<>();
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                fields.add(it.next());
            }
            assertEquals(List.of("strategy", "ops_per_sec", "durability", "data_loss_window", "entries", "threads",
                    "record_size", "elapsed_ms", "latency_ns", "latency_measures", "timed_until", "syncs"), fields);
            assertEquals(expected[i][0], o.get("strategy").asText());
            assertEquals(expected[i][1], o.get("durability").asText());
            assertEquals(expected[i][2], o.get("data_loss_window").asText());
            assertEquals(expected[i][3], o.get("latency_measures").asText());
            assertTrue(o.get("ops_per_sec").isNumber() && o.get("ops_per_sec").asDouble() > 0, lines[i]);
            assertEquals(200, o.get("entries").asInt());
            assertEquals(2, o.get("threads").asInt());
            assertEquals(128, o.get("record_size").asInt());
            final JsonNode l = o.get("latency_ns");
            assertTrue(0 < l.get("p50").asLong() && l.get("p50").asLong() <= l.get("p99").asLong()
                    && l.get("p99").asLong() <= l.get("p99_9").asLong() && l.get("p99_9").asLong() <= l.get("max").asLong(), l.toString());
        }
        // always: every entry was waited for, so there was at least one sync; none: no sync at all.
        assertTrue(JSON.readTree(lines[0]).get("syncs").asLong() >= 1);
        assertEquals(0, JSON.readTree(lines[2]).get("syncs").asLong());
        final String svgText = Files.readString(svg);
        assertTrue(svgText.startsWith("<?xml") || svgText.startsWith("<svg") || svgText.startsWith("<!DOCTYPE svg"), svgText.substring(0, 40));
        for (String label : new String[]{"always: ", "batch_5ms: ", "none: ", "30 s"}) {
            assertTrue(svgText.contains(label), "plot lacks " + label);
        }
        assertEquals(before, benchTempDirs(), "the temporary directory was not removed");
    }

    @Test
    void tableAndPngWithAKeptDirectory() throws Exception {
        final Path png = tmp.resolve("curve.png");
        final Path dir = tmp.resolve("runs");
        final Cli.Run run = Cli.run("bench", "fsync", "--entries", "100", "--strategies", "always,batch_1ms,none",
                "--dir", dir.toString(), "--plot", png.toString(), "--warmup", "500");
        assertEquals(0, run.exit, run.toString());
        final String[] lines = run.out.split("\n");
        assertEquals("fsync durability benchmark: 100 entries x 128 bytes, 1 thread, in " + dir, lines[0]);
        assertEquals("warm-up: 500 untimed appends first", lines[1]);
        assertEquals("strategy            ops/sec  durability     loss window         p50        p99      p99.9    syncs", lines[2]);
        assertTrue(lines[3].matches("always +[0-9,]+  every_write +0ms +.*"), lines[3]);
        assertTrue(lines[4].matches("batch_1ms +[0-9,]+  every_1ms +1ms +.*"), lines[4]);
        assertTrue(lines[5].matches("none +[0-9,]+  os_dependent +seconds +.*"), lines[5]);
        assertEquals("plot: " + png, lines[lines.length - 1]);
        final byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
        for (String s : new String[]{"always", "batch_1ms", "none"}) {
            assertTrue(Files.exists(dir.resolve("fsync-" + s).resolve("00000000000000000000.seg")), s);
            // The kept journals are complete: verify finds every entry.
            final Cli.Run verify = Cli.run("verify", dir.resolve("fsync-" + s).toString());
            assertEquals(0, verify.exit, verify.out);
            assertTrue(verify.out.contains("  records             100 (12800 payload bytes)\n"), verify.out);
        }
        try (java.util.stream.Stream<Path> kept = Files.list(dir)) {
            assertEquals(List.of("fsync-always", "fsync-batch_1ms", "fsync-none"),
                    kept.map(p -> p.getFileName().toString()).sorted().collect(java.util.stream.Collectors.toList()));
        }
        final Cli.Run again = Cli.run("bench", "fsync", "--entries", "10", "--strategies", "none", "--dir", dir.toString());
        assertEquals(2, again.exit);
        assertTrue(again.err.startsWith("journal: --dir: " + dir.resolve("fsync-none") + " already exists"), again.err);
    }

    @Test
    void badArgumentsAreUsageErrors() {
        final Cli.Run strategy = Cli.run("bench", "fsync", "--strategies", "always,sometimes");
        assertEquals(2, strategy.exit);
        assertEquals("journal: --strategies: unknown strategy 'sometimes': expected always, none or batch_<N>ms with "
                + "N >= 1 (e.g. batch_10ms) (see 'journal bench fsync --help')\n", strategy.err);
        assertEquals(2, Cli.run("bench", "fsync", "--entries", "0").exit);
        assertEquals(2, Cli.run("bench", "fsync", "--strategies", "batch_0ms").exit);
        assertEquals(2, Cli.run("bench", "fsync", "--record-size", "70000").exit);
        assertEquals(2, Cli.run("bench", "fsync", "--threads", "0").exit);
        assertEquals(2, Cli.run("bench", "fsync", "--warmup", "-1").exit);
        assertEquals(2, Cli.run("bench", "fsync", "--strategies", "none,none", "--dir", "unused-dir").exit);
        assertFalse(Files.exists(Path.of("unused-dir")));
        final Cli.Run plot = Cli.run("bench", "fsync", "--plot", "x.gif");
        assertEquals(2, plot.exit);
        assertEquals("journal: --plot must name a .png or .svg file: --plot=x.gif (see 'journal bench fsync --help')\n", plot.err);
        assertFalse(Files.exists(Path.of("x.gif")));
    }

    @Test
    void strategyNamesAndWindows() {
        assertEquals("every_write", FsyncBenchmark.durability(FsyncBenchmark.parse("always")));
        assertEquals("every_250ms", FsyncBenchmark.durability(FsyncBenchmark.parse("batch_250ms")));
        assertEquals("os_dependent", FsyncBenchmark.durability(FsyncBenchmark.parse("none")));
        assertEquals(1 << 20, FsyncBenchmark.segmentSizeFor(100, 128));
        assertEquals(64L << 20, FsyncBenchmark.segmentSizeFor(10_000_000, 128));
    }
}
