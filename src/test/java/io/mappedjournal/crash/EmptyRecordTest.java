package io.mappedjournal.crash;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.JournalWriter;
import io.mappedjournal.policy.SyncPolicy;
import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Empty records (markers) are records like any other: issue 11, defect 1. Their frame's commit
 * word must not be read as "end of data", after a crash, after a clean close, or by a live reader.
 */
class EmptyRecordTest {
    private static final String[] RECORDS = {"one", "", "three", "four"};

    private static Journal open(Path dir) throws Exception {
        return Journal.open(CrashTestSupport.config(dir).syncPolicy(SyncPolicy.always()).build());
    }

    private static long appendAll(Journal j) throws Exception {
        long last = -1;
        for (String r : RECORDS) {
            last = j.append(r.getBytes(StandardCharsets.US_ASCII));
        }
        assertTrue(j.awaitDurable(last, 30, TimeUnit.SECONDS));
        assertEquals(RECORDS.length, j.durableSequence());
        return last;
    }

    private static List<String> readAll(JournalReader reader) throws Exception {
        final List<String> out = new ArrayList<>();
        for (JournalRecord r; (r = reader.next()) != null; ) {
            assertEquals(out.size(), r.sequence(), "sequence of record " + out.size());
            out.add(new String(r.payload(), StandardCharsets.US_ASCII));
        }
        return out;
    }

    @Test
    void shouldRecoverEveryAcknowledgedRecordAroundAnEmptyOneAfterACrash(@TempDir Path tmp) throws Exception {
        final Path dir = tmp.resolve("j");
        final CrashTestSupport.Image crashed;
        try (Journal j = open(dir)) {
            appendAll(j);
            // the files as a process crash leaves them: no close, no clean manifest
            crashed = CrashTestSupport.Image.of(dir);
        }
        final Path copy = tmp.resolve("crashed");
        crashed.writeTo(copy);
        try (Journal j = open(copy)) {
            assertEquals(RECORDS.length, j.recoveryReport().nextSequence(), j.recoveryReport().describe());
            assertTrue(j.recoveryReport().anomalies().isEmpty(), j.recoveryReport().describe());
            assertEquals(0, j.recoveryReport().bytesTruncated(), j.recoveryReport().describe());
            try (JournalReader r = j.reader(0)) {
                assertEquals(List.of(RECORDS), readAll(r));
            }
        }
    }

    @Test
    void shouldReopenAfterACleanCloseWithAnEmptyRecord(@TempDir Path tmp) throws Exception {
        final Path dir = tmp.resolve("j");
        try (Journal j = open(dir)) {
            appendAll(j);
        }
        try (Journal j = open(dir)) {
            assertEquals(RECORDS.length, j.recoveryReport().nextSequence(), j.recoveryReport().describe());
            try (JournalReader r = j.reader(0)) {
                assertEquals(List.of(RECORDS), readAll(r));
            }
        }
    }

    @Test
    void shouldShowALiveReaderTheRecordsAfterAnEmptyOne(@TempDir Path tmp) throws Exception {
        try (Journal j = open(tmp.resolve("j")); JournalReader r = j.reader(0)) {
            appendAll(j);
            assertEquals(List.of(RECORDS), readAll(r));
        }
    }

    @Test
    void shouldAcceptEmptyRecordsInEveryAppendForm(@TempDir Path tmp) throws Exception {
        final Path dir = tmp.resolve("j");
        try (Journal j = open(dir)) {
            final JournalWriter w = j.writer();
            w.append(new byte[0]);
            w.append(new byte[]{1, 2, 3}, 1, 0);
            w.append(ByteBuffer.allocate(0));
            w.append(ByteBuffer.allocateDirect(0));
            w.append(BytesStore.wrap(new byte[4]), 2, 0);
            final JournalWriter.Claim c = w.claim(0);
            assertNotNull(c);
            c.commit();
            final long last = w.append("end".getBytes(StandardCharsets.US_ASCII));
            assertTrue(j.awaitDurable(last, 30, TimeUnit.SECONDS));
            try (JournalReader r = j.reader(0)) {
                assertEquals(List.of("", "", "", "", "", "", "end"), readAll(r));
            }
        }
        try (Journal j = open(dir); JournalReader r = j.reader(3)) {
            assertEquals(7, j.recoveryReport().nextSequence(), j.recoveryReport().describe());
            final List<String> tail = new ArrayList<>();
            for (JournalRecord rec; (rec = r.next()) != null; ) {
                assertEquals(3 + tail.size(), rec.sequence());
                assertEquals(rec.length(), rec.payload().length);
                tail.add(new String(rec.payload(), StandardCharsets.US_ASCII));
            }
            assertEquals(List.of("", "", "", "end"), tail);
        }
    }
}
