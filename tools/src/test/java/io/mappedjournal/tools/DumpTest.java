package io.mappedjournal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole-journal dumps checked record by record against the payloads the fixtures were written with. */
class DumpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> dumpJson(String fixture, String... extra) throws Exception {
        final String[] args = new String[3 + extra.length];
        args[0] = "dump";
        args[1] = Cli.fixture(fixture).toString();
        args[2] = "--format=json";
        System.arraycopy(extra, 0, args, 3, extra.length);
        final Cli.Run run = Cli.run(args);
        final List<JsonNode> lines = new java.util.ArrayList<>();
        for (String line : run.out.split("\n")) {
            if (!line.isEmpty()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    @Test
    void cleanJournalDumpsEveryRecordInOrderWithItsBytes() throws Exception {
        final Cli.Run run = Cli.run("dump", Cli.fixture("clean").toString(), "--format", "json");
        assertEquals(0, run.exit, run.err);
        assertEquals("", run.err);
        final List<JsonNode> records = dumpJson("clean");
        assertEquals(FixtureGenerator.RECORDS, records.size());
        for (int n = 0; n < records.size(); n++) {
            final JsonNode r = records.get(n);
            final List<String> fields = new java.util.ArrayList<>();
            for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
                fields.add(it.next());
            }
            assertEquals(List.of("seq", "segment", "offset", "length", "crc_ok", "payload_base64"), fields);
            assertEquals(n, r.get("seq").asLong());
            assertEquals(n < 716 ? "00000000000000000000.seg" : "00000000000000000716.seg", r.get("segment").asText());
            assertTrue(r.get("crc_ok").asBoolean());
            final byte[] payload = Base64.getDecoder().decode(r.get("payload_base64").asText());
            assertEquals(payload.length, r.get("length").asInt());
            assertArrayEquals(FixtureGenerator.payload(n), payload, "record " + n);
        }
    }

    @Test
    void damagedJournalsShowWhatIsReadable() throws Exception {
        final List<JsonNode> corrupt = dumpJson("corrupt-middle");
        assertEquals(FixtureGenerator.RECORDS, corrupt.size()); // the bad frame is shown, marked
        for (JsonNode r : corrupt) {
            assertEquals(r.get("seq").asLong() != FixtureGenerator.CORRUPT_RECORD, r.get("crc_ok").asBoolean(), r.toString());
        }
        final List<JsonNode> torn = dumpJson("torn-tail");
        assertEquals(FixtureGenerator.RECORDS, torn.size());
        assertEquals(false, torn.get(torn.size() - 1).get("crc_ok").asBoolean());
        final Cli.Run run = Cli.run("dump", Cli.fixture("torn-tail").toString(), "--format", "json");
        assertEquals(1, run.exit);
        assertTrue(run.err.startsWith("journal dump: 00000000000000000716.seg offset 16736: CRC mismatch"), run.err);
    }

    @Test
    void rangeAndLimitSelectRecords() throws Exception {
        assertEquals(List.of(10L, 11L, 12L), seqs(dumpJson("clean", "--from", "10", "--to", "12")));
        assertEquals(List.of(700L, 701L), seqs(dumpJson("clean", "--from", "700", "--limit", "2")));
        assertEquals(List.of(899L), seqs(dumpJson("clean", "--from", "899", "--to", "5000")));
        assertEquals(List.of(), seqs(dumpJson("clean", "--from", "900")));
        assertEquals(List.of(), seqs(dumpJson("clean", "--limit", "0")));
        // A damaged frame after --to is never reached: the walk stops at the range's end.
        final Cli.Run run = Cli.run("dump", Cli.fixture("corrupt-middle").toString(), "--to", "799");
        assertEquals(0, run.exit, run.err);
        assertEquals(800, run.out.split("\n").length);
    }

    @Test
    void textAndHexFormats() {
        final Cli.Run text = Cli.run("dump", Cli.fixture("clean").toString(), "--from", "0", "--limit", "1");
        assertEquals("seq=0 segment=00000000000000000000.seg offset=64 length=24 crc=ok payload=\"t=0 n=0 "
                + "\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\x09\\x0a\\x0b\\x0c\\x0d\\x0e\\x0f\"\n", text.out);
        final Cli.Run hex = Cli.run("dump", Cli.fixture("clean").toString(), "--format", "hex", "--limit", "1");
        assertEquals("seq=0 segment=00000000000000000000.seg offset=64 length=24 crc=ok\n"
                + "  00000000  74 3d 30 20 6e 3d 30 20  00 01 02 03 04 05 06 07  |t=0 n=0 ........|\n"
                + "  00000010  08 09 0a 0b 0c 0d 0e 0f                           |........|\n", hex.out);
    }

    private static List<Long> seqs(List<JsonNode> records) {
        return records.stream().map(r -> r.get("seq").asLong()).collect(java.util.stream.Collectors.toList());
    }
}
