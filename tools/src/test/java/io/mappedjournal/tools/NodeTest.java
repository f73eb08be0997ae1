package io.mappedjournal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON-lines node: exact output bytes, error codes, never stopping on bad input. */
class NodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String INIT = "{\"src\":\"c0\",\"dest\":\"n1\",\"body\":{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\"]}}";
    static final String INIT_OK = "{\"src\": \"n1\", \"dest\": \"c0\", \"body\": {\"type\": \"init_ok\", \"in_reply_to\": 1, \"msg_id\": 0}}";

    static String bench(int msgId, int entries, String strategies) {
        return "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"fsync_benchmark\",\"msg_id\":" + msgId + ",\"entries\":"
                + entries + ",\"strategies\":[" + strategies + "]}}";
    }

    /** Runs lines through a node whose benchmark takes exactly 1 ms per entry. */
    private static String[] fake(StringWriter log, String... lines) {
        final StringWriter out = new StringWriter();
        final Node node = new Node(new PrintWriter(out), new PrintWriter(log), (dir, strategy, entries, size, threads) -> {
            final io.mappedjournal.policy.SyncPolicy p = FsyncBenchmark.parse(strategy);
            return new FsyncBenchmark.Result(p.name(), FsyncBenchmark.durability(p), p.lossWindow(), entries, threads, size,
                    entries * 1_000_000L, new Histogram(3), "append_call", "test", 0);
        });
        for (String l : lines) {
            node.handle(l);
        }
        return out.toString().isEmpty() ? new String[0] : out.toString().split("\n", -1);
    }

    @Test
    void repliesInPythonJsonStyleWithCountingMsgIds() {
        final String[] out = fake(new StringWriter(), INIT, bench(2, 10000, "\"always\",\"batch_10ms\",\"none\""));
        assertEquals(3, out.length); // two lines and the final newline
        assertEquals(INIT_OK, out[0]);
        assertEquals("{\"src\": \"n1\", \"dest\": \"c1\", \"body\": {\"type\": \"fsync_benchmark_ok\", \"in_reply_to\": 2, "
                + "\"msg_id\": 1, \"results\": [{\"strategy\": \"always\", \"ops_per_sec\": 1000.0, \"durability\": "
                + "\"every_write\", \"data_loss_window\": \"0ms\"}, {\"strategy\": \"batch_10ms\", \"ops_per_sec\": 1000.0, "
                + "\"durability\": \"every_10ms\", \"data_loss_window\": \"10ms\"}, {\"strategy\": \"none\", \"ops_per_sec\": "
                + "1000.0, \"durability\": \"os_dependent\", \"data_loss_window\": \"seconds\"}]}}", out[1]);
        assertEquals("", out[2]);
    }

    @Test
    void errorsUseTheProtocolCodesAndTheNodeGoesOn() {
        final StringWriter log = new StringWriter();
        final String[] out = fake(log,
                "not json at all",
                INIT,
                "",
                "[1, 2]",
                "{\"dest\":\"n1\",\"body\":{\"type\":\"init\",\"msg_id\":9}}",
                "{\"src\":\"c2\",\"dest\":\"n1\",\"body\":{\"type\":\"read\",\"msg_id\":3}}",
                bench(4, 100, "\"always\",\"sometimes\""),
                bench(5, 0, "\"always\""),
                bench(6, 2_000_000, "\"always\""),
                "{\"src\":\"c2\",\"dest\":\"n1\",\"body\":{\"type\":\"fsync_benchmark\",\"msg_id\":7,\"entries\":10}}",
                "{\"src\":\"c2\",\"dest\":\"n1\",\"body\":{\"type\":\"fsync_benchmark\",\"msg_id\":8,\"entries\":1.5,\"strategies\":[\"none\"]}}",
                "{\"src\":\"c2\",\"dest\":\"n1\",\"body\":{\"msg_id\":10}}",
                "{\"src\":\"c2\",\"dest\":\"n1\",\"body\":{\"type\":\"init\",\"msg_id\":11,\"node_id\":\"n1\"}}",
                "{\"src\":\"c2\",\"dest\":\"n1\",\"body\":{\"type\":\"caf\u00e9\",\"msg_id\":12}}",
                bench(13, 5, "\"none\""));
        final String e = "{\"src\": \"n1\", \"dest\": \"c%s\", \"body\": {\"type\": \"error\", \"in_reply_to\": %d, \"msg_id\": %d, "
                + "\"code\": %d, \"text\": \"%s\"}}";
        final String[] expected = {
                INIT_OK,
                String.format(e, "2", 3, 1, 10, "unsupported message type 'read': this node handles init and fsync_benchmark"),
                String.format(e, "1", 4, 2, 12, "fsync_benchmark: unknown strategy 'sometimes': expected always, none or "
                        + "batch_<N>ms with N >= 1 (e.g. batch_10ms)"),
                String.format(e, "1", 5, 3, 12, "fsync_benchmark: entries must be an integer in [1, 1000000] (the upper "
                        + "bound keeps one request from running for hours): entries=0"),
                String.format(e, "1", 6, 4, 12, "fsync_benchmark: entries must be an integer in [1, 1000000] (the upper "
                        + "bound keeps one request from running for hours): entries=2000000"),
                String.format(e, "2", 7, 5, 12, "fsync_benchmark: strategies must be a non-empty array of strings"),
                String.format(e, "2", 8, 6, 12, "fsync_benchmark: entries must be an integer in [1, 1000000] (the upper "
                        + "bound keeps one request from running for hours): entries=1.5"),
                String.format(e, "2", 10, 7, 12, "body.type must be a string"),
                String.format(e, "2", 11, 8, 12, "init: node_ids must be an array of strings"),
                String.format(e, "2", 12, 9, 10, "unsupported message type 'caf\\\\u00e9': this node handles init and fsync_benchmark"),
                "{\"src\": \"n1\", \"dest\": \"c1\", \"body\": {\"type\": \"fsync_benchmark_ok\", \"in_reply_to\": 13, "
                        + "\"msg_id\": 10, \"results\": [{\"strategy\": \"none\", \"ops_per_sec\": 1000.0, \"durability\": "
                        + "\"os_dependent\", \"data_loss_window\": \"seconds\"}]}}",
                ""};
        expected[9] = expected[9].replace("\\\\u00e9", "\\u00e9");
        assertEquals(List.of(expected), List.of(out));
        final String[] logLines = log.toString().split("\n");
        assertTrue(logLines[0].startsWith("journal node: line 1 skipped: not JSON: Unrecognized token 'not'"), logLines[0]);
        assertTrue(log.toString().contains("journal node: line 4 skipped: not a JSON object\n"), log.toString());
        assertTrue(log.toString().contains("journal node: line 5 skipped: no \"src\" string to reply to\n"), log.toString());
    }

    @Test
    void theRealBenchmarkThroughTheCommandAnswersTheSampleSession() throws Exception {
        final String input = INIT + "\n" + bench(2, 100, "\"always\",\"batch_10ms\",\"none\"") + "\n";
        final Cli.Run run = Cli.run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), "node");
        assertEquals(0, run.exit, run.toString());
        final String[] lines = run.out.split("\n", -1);
        assertEquals(3, lines.length, run.out);
        assertEquals(INIT_OK, lines[0]);
        assertSampleReply(lines[1], 2, List.of("always", "batch_10ms", "none"));
        assertTrue(run.err.contains("journal node: fsync_benchmark always: 100 entries x "), run.err);
    }

    /** The second line of a sample session, checked field by field (ops_per_sec is measured). */
    static void assertSampleReply(String line, int inReplyTo, List<String> strategies) throws Exception {
        final JsonNode msg = JSON.readTree(line);
        assertEquals(List.of("src", "dest", "body"), names(msg));
        assertEquals("n1", msg.get("src").asText());
        assertEquals("c1", msg.get("dest").asText());
        final JsonNode body = msg.get("body");
        assertEquals(List.of("type", "in_reply_to", "msg_id", "results"), names(body));
        assertEquals("fsync_benchmark_ok", body.get("type").asText());
        assertEquals(inReplyTo, body.get("in_reply_to").asInt());
        assertEquals(1, body.get("msg_id").asInt());
        final JsonNode results = body.get("results");
        assertEquals(strategies.size(), results.size());
        for (int i = 0; i < strategies.size(); i++) {
            final JsonNode r = results.get(i);
            assertEquals(List.of("strategy", "ops_per_sec", "durability", "data_loss_window"), names(r));
            assertEquals(strategies.get(i), r.get("strategy").asText());
            assertTrue(r.get("ops_per_sec").isNumber() && r.get("ops_per_sec").asDouble() > 0, r.toString());
            final String s = strategies.get(i);
            assertEquals(s.equals("always") ? "every_write" : s.equals("none") ? "os_dependent"
                    : "every_" + s.substring("batch_".length()), r.get("durability").asText());
            assertEquals(s.equals("always") ? "0ms" : s.equals("none") ? "seconds" : s.substring("batch_".length()),
                    r.get("data_loss_window").asText());
        }
        assertTrue(line.contains("\"results\": [{\"strategy\": "), "python-style separators: " + line);
    }

    static List<String> names(JsonNode o) {
        final List<String> names = new ArrayList<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
