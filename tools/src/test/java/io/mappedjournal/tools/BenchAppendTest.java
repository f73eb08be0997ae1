package io.mappedjournal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BenchAppendTest {
    @TempDir
    Path tmp;

    @Test
    void shouldPrintOneJsonObjectPerRunWithEveryField() throws Exception {
        final Cli.Run run = Cli.run("bench", "append", "--threads", "1,2", "--record-size", "64", "--sync", "batch_5ms",
                "--systems", "mapped-journal,naive,disk-limit,noop", "--duration", "0.3", "--warmup", "0.1", "--json",
                "--dir", tmp.toString());
        assertEquals(0, run.exit, run.toString());
        final List<JsonNode> lines = new ArrayList<>();
        for (String line : run.out.split("\n")) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertEquals(8, lines.size(), run.out);
        final String[] systems = {"mapped-journal", "naive", "disk-limit", "noop"};
        for (int i = 0; i < 8; i++) {
            final JsonNode o = lines.get(i);
            assertEquals(systems[i % 4], o.get("system").asText());
            assertEquals(i < 4 ? 1 : 2, o.get("threads").asInt());
            assertEquals(64, o.get("record_size").asInt());
            assertEquals("batch_5ms", o.get("sync").asText());
            assertEquals(0, o.get("rate").asLong());
            assertTrue(o.get("ops_per_sec").asDouble() > 0, o.toString());
            final long p50 = o.get("p50_ns").asLong();
            final long p99 = o.get("p99_ns").asLong();
            final long p999 = o.get("p999_ns").asLong();
            final long max = o.get("max_ns").asLong();
            assertTrue(0 < p50 && p50 <= p99 && p99 <= p999 && p999 <= max, o.toString());
        }
        try (var left = Files.list(tmp)) {
            assertEquals(0, left.count(), "each run's directory is removed");
        }
    }

    @Test
    void shouldRefuseAnUnknownSystemAsAUsageError() {
        final Cli.Run run = Cli.run("bench", "append", "--systems", "kafka");
        assertEquals(2, run.exit, run.toString());
        assertEquals("journal: unknown system 'kafka': expected mapped-journal, mapped-journal-total, chronicle-queue, naive, disk-limit or noop (see 'journal bench append --help')\n", run.err);
    }

    @Test
    void shouldPrintATableWithRatiosToMappedJournal() {
        final Cli.Run run = Cli.run("bench", "append", "--threads", "2", "--sync", "none", "--systems",
                "mapped-journal,mapped-journal-total", "--duration", "0.3", "--warmup", "0.1", "--dir", tmp.toString());
        assertEquals(0, run.exit, run.toString());
        assertTrue(run.out.contains("threads=2 record_size=128 sync=none rate=max"), run.out);
        assertTrue(run.out.matches("(?s).*\nmapped-journal +[0-9,]+ +1\\.00 .*"), run.out);
        assertTrue(run.out.matches("(?s).*\nmapped-journal-total +[0-9,]+ +[0-9.]+ .*"), run.out);
    }
}
