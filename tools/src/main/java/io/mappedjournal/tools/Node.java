package io.mappedjournal.tools;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON-lines node behind {@code journal node}: one request per input line, one reply per
 * output line, in the message format of the Maelstrom workbench ({@code src}, {@code dest},
 * {@code body}; errors with its codes: 10 not supported, 12 malformed request, 13 crash).
 * Output is written like Python's {@code json.dumps} (", " and ": " separators, non-ASCII
 * escaped), keys in the order src, dest, body and type, in_reply_to, msg_id, then the rest.
 * Bad input never stops the node: a line that is not JSON is reported on the log and skipped.
 */
final class Node {
    static final int NOT_SUPPORTED = 10;
    static final int MALFORMED_REQUEST = 12;
    static final int CRASH = 13;
    /** Largest {@code entries} a request may ask for, per strategy. */
    static final int MAX_ENTRIES = 1_000_000;
    /** Largest entries x record_size per strategy (disk the benchmark may use at once). */
    static final long MAX_BYTES = 1L << 30;

    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectWriter WRITER = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build()
            .writer(new PythonSeparators());

    /** Python json.dumps' default separators: {@code ", "} between items, {@code ": "} after keys. */
    static final class PythonSeparators extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }
    }

    /** Runs one fsync benchmark strategy; a seam so tests can stand in for the real journal. */
    interface Bench {
        FsyncBenchmark.Result run(Path dir, String strategy, int entries, int recordSize, int threads)
                throws IOException, InterruptedException;
    }

    private final PrintWriter out;
    private final PrintWriter log;
    private final Bench bench;
    private String nodeId;
    private List<String> nodeIds = List.of();
    private long nextMsgId;
    private long lineNumber;

    Node(PrintWriter out, PrintWriter log, Bench bench) {
        this.out = out;
        this.log = log;
        this.bench = bench;
    }

    Node(PrintWriter out, PrintWriter log) {
        this(out, log, (dir, strategy, entries, recordSize, threads) ->
                FsyncBenchmark.run(dir, strategy, entries, recordSize, threads, null, FsyncBenchmark.MIN_MEASURED_NANOS));
    }

    /** A request that cannot be served: becomes an error reply. */
    static final class RequestError extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        RequestError(int code, String text) {
            super(text);
            this.code = code;
        }
    }

    /** Handles one input line; never throws on bad input. */
    void handle(String line) {
        lineNumber++;
        if (line.isBlank()) {
            return;
        }
        final JsonNode msg;
        try {
            msg = READER.readTree(line);
        } catch (JsonProcessingException e) {
            log("line " + lineNumber + " skipped: not JSON: " + e.getOriginalMessage());
            return;
        }
        if (msg == null || !msg.isObject()) {
            log("line " + lineNumber + " skipped: not a JSON object");
            return;
        }
        final JsonNode src = msg.get("src");
        if (src == null || !src.isTextual()) {
            log("line " + lineNumber + " skipped: no \"src\" string to reply to");
            return;
        }
        final JsonNode body = msg.get("body");
        final JsonNode msgId = body != null && body.isObject() ? body.get("msg_id") : null;
        final Long inReplyTo = msgId != null && msgId.isIntegralNumber() && msgId.canConvertToLong() ? msgId.asLong() : null;
        final String self = nodeId != null ? nodeId
                : msg.path("dest").isTextual() ? msg.get("dest").asText() : "n0";
        try {
            if (body == null || !body.isObject()) {
                throw new RequestError(MALFORMED_REQUEST, "\"body\" must be a JSON object");
            }
            final JsonNode type = body.get("type");
            if (type == null || !type.isTextual()) {
                throw new RequestError(MALFORMED_REQUEST, "body.type must be a string");
            }
            if (msgId != null && inReplyTo == null) {
                throw new RequestError(MALFORMED_REQUEST, "body.msg_id must be an integer");
            }
            switch (type.asText()) {
                case "init":
                    init(body);
                    reply(nodeId, src.asText(), "init_ok", inReplyTo, null);
                    break;
                case "fsync_benchmark":
                    final ObjectNode rest = JsonNodeFactory.instance.objectNode();
                    rest.set("results", fsyncBenchmark(body));
                    reply(self, src.asText(), "fsync_benchmark_ok", inReplyTo, rest);
                    break;
                default:
                    throw new RequestError(NOT_SUPPORTED, "unsupported message type '" + type.asText()
                            + "': this node handles init and fsync_benchmark");
            }
        } catch (RequestError e) {
            log("line " + lineNumber + ": error " + e.code + ": " + e.getMessage());
            final ObjectNode rest = JsonNodeFactory.instance.objectNode();
            rest.put("code", e.code);
            rest.put("text", e.getMessage());
            reply(self, src.asText(), "error", inReplyTo, rest);
        } catch (Exception | Error e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log("line " + lineNumber + ": failed: " + Errors.messageOf(e));
            final ObjectNode rest = JsonNodeFactory.instance.objectNode();
            rest.put("code", CRASH);
            rest.put("text", "benchmark failed: " + Errors.messageOf(e));
            reply(self, src.asText(), "error", inReplyTo, rest);
        }
    }

    private void init(JsonNode body) throws RequestError {
        final JsonNode id = body.get("node_id");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            throw new RequestError(MALFORMED_REQUEST, "init: node_id must be a non-empty string");
        }
        final JsonNode ids = body.get("node_ids");
        if (ids == null || !ids.isArray()) {
            throw new RequestError(MALFORMED_REQUEST, "init: node_ids must be an array of strings");
        }
        final List<String> list = new ArrayList<>();
        for (JsonNode n : ids) {
            if (!n.isTextual()) {
                throw new RequestError(MALFORMED_REQUEST, "init: node_ids must be an array of strings");
            }
            list.add(n.asText());
        }
        nodeId = id.asText();
        nodeIds = List.copyOf(list);
        log("initialised as " + nodeId + " of " + nodeIds);
    }

    private ArrayNode fsyncBenchmark(JsonNode body) throws RequestError, IOException, InterruptedException {
        final int entries = intField(body, "entries", null, 1, MAX_ENTRIES,
                " (the upper bound keeps one request from running for hours)");
        final int recordSize = intField(body, "record_size", 128, 1, FsyncBenchmark.MAX_RECORD_SIZE, "");
        final int threads = intField(body, "threads", 1, 1, FsyncBenchmark.MAX_THREADS, "");
        if ((long) entries * recordSize > MAX_BYTES) {
            throw new RequestError(MALFORMED_REQUEST, "fsync_benchmark: entries x record_size must be at most " + MAX_BYTES
                    + " bytes: " + entries + " x " + recordSize);
        }
        final JsonNode strategies = body.get("strategies");
        if (strategies == null || !strategies.isArray() || strategies.isEmpty()) {
            throw new RequestError(MALFORMED_REQUEST, "fsync_benchmark: strategies must be a non-empty array of strings");
        }
        final List<String> names = new ArrayList<>();
        for (JsonNode s : strategies) {
            if (!s.isTextual()) {
                throw new RequestError(MALFORMED_REQUEST, "fsync_benchmark: strategies must be a non-empty array of strings");
            }
            try {
                FsyncBenchmark.parse(s.asText());
            } catch (IllegalArgumentException e) {
                throw new RequestError(MALFORMED_REQUEST, "fsync_benchmark: " + e.getMessage());
            }
            names.add(s.asText());
        }
        final ArrayNode results = JsonNodeFactory.instance.arrayNode();
        final Path root = Files.createTempDirectory("journal-node-fsync-");
        try {
            int i = 0;
            for (String s : names) {
                final Path dir = root.resolve("fsync-" + (++i) + "-" + s);
                final FsyncBenchmark.Result r = bench.run(dir, s, entries, recordSize, threads);
                FsyncBenchmark.deleteTree(dir);
                log(String.format("fsync_benchmark %s: %d entries x %d round%s = %d timed in %.1f ms = %.1f ops/sec", s,
                        r.requestedEntries, r.rounds, r.rounds == 1 ? "" : "s", r.entries, r.elapsedNanos / 1e6, r.opsPerSec()));
                final ObjectNode o = results.addObject();
                o.put("strategy", s);
                o.put("ops_per_sec", BigDecimal.valueOf(r.opsPerSec()).setScale(1, RoundingMode.HALF_UP));
                o.put("durability", r.durability);
                o.put("data_loss_window", r.lossWindow);
            }
        } finally {
            FsyncBenchmark.deleteTree(root);
        }
        return results;
    }

    private static int intField(JsonNode body, String name, Integer dflt, int min, int max, String why)
            throws RequestError {
        final JsonNode n = body.get(name);
        if (n == null && dflt != null) {
            return dflt;
        }
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw new RequestError(MALFORMED_REQUEST, "fsync_benchmark: " + name + " must be an integer in [" + min + ", "
                    + max + "]" + why + ": " + name + "=" + (n == null ? "missing" : n.toString()));
        }
        return (int) n.asLong();
    }

    private void reply(String from, String to, String type, Long inReplyTo, ObjectNode rest) {
        final ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", type);
        if (inReplyTo != null) {
            body.put("in_reply_to", inReplyTo);
        }
        body.put("msg_id", nextMsgId++);
        if (rest != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = rest.fields(); it.hasNext(); ) {
                final Map.Entry<String, JsonNode> e = it.next();
                body.set(e.getKey(), e.getValue());
            }
        }
        final ObjectNode msg = JsonNodeFactory.instance.objectNode();
        msg.put("src", from);
        msg.put("dest", to);
        msg.set("body", body);
        out.print(format(msg) + "\n");
        out.flush();
    }

    /** A {@code \\uXXXX} escape (not an escaped backslash followed by "u"): Jackson writes upper-case hex. */
    private static final java.util.regex.Pattern UPPER_HEX_ESCAPE =
            java.util.regex.Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u([0-9A-Fa-f]{4})");

    /** Python {@code json.dumps} style (its escapes use lower-case hex: {@code \u00e9}). */
    static String format(JsonNode node) {
        try {
            final String json = WRITER.writeValueAsString(node);
            return json.indexOf("\\u") < 0 ? json : UPPER_HEX_ESCAPE.matcher(json).replaceAll(
                    m -> java.util.regex.Matcher.quoteReplacement(m.group(1) + "\\u" + m.group(2).toLowerCase(java.util.Locale.ROOT)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void log(String text) {
        log.println("journal node: " + text);
        log.flush();
    }
}
