package io.mappedjournal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's measurements order the strategies as their durability costs: always (a sync per
 * entry) slower than batch_10ms (a sync per 10 ms) slower than none (no sync), at the protocol's
 * two sample sizes (100 and 50 entries). With one pass over so few entries the fixed costs won:
 * none was slower than batch_10ms in 3 of 3 runs. The replies keep the protocol's format
 * (NodeTest.assertSampleReply) and the log says how many entries were actually timed.
 */
class FsyncOrderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sampleOneAlwaysBelowBatchBelowNone() throws Exception {
        session(100);
    }

    @Test
    void sampleTwoSizeAlwaysBelowBatchBelowNone() throws Exception {
        session(50);
    }

    private static void session(int entries) throws Exception {
        final String input = "{\"src\":\"c0\",\"dest\":\"n1\",\"body\":{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\","
                + "\"node_ids\":[\"n1\"]}}\n"
                + "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"fsync_benchmark\",\"msg_id\":2,\"entries\":" + entries
                + ",\"strategies\":[\"always\",\"batch_10ms\",\"none\"]}}\n";
        final Cli.Run run = Cli.run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), "node");
        assertEquals(0, run.exit, run.toString());
        final String[] lines = run.out.split("\n");
        assertEquals(2, lines.length, run.toString());
        NodeTest.assertSampleReply(lines[1], 2, java.util.List.of("always", "batch_10ms", "none"));
        final JsonNode results = JSON.readTree(lines[1]).get("body").get("results");
        final double always = results.get(0).get("ops_per_sec").asDouble();
        final double batch = results.get(1).get("ops_per_sec").asDouble();
        final double none = results.get(2).get("ops_per_sec").asDouble();
        assertTrue(always < batch && batch < none, "expected always < batch_10ms < none: " + always + ", " + batch
                + ", " + none + "\n" + run);
        // The log names the entries actually timed: whole rounds of the requested count, at least 200 ms.
        final Matcher m = Pattern.compile("fsync_benchmark none: " + entries + " entries x (\\d+) rounds? = (\\d+) timed in ([0-9.]+) ms")
                .matcher(run.err);
        assertTrue(m.find(), run.err);
        assertEquals(Long.parseLong(m.group(1)) * entries, Long.parseLong(m.group(2)), run.err);
        assertTrue(Double.parseDouble(m.group(3)) >= 200, run.err);
    }
}
