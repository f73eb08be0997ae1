package io.mappedjournal;

import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A reader opened at a sequence beyond the journal's end must return every record from that
 * sequence on once they are written, across the rolls in between (issue 14, item 1).
 */
class ReaderBeyondEndTest {
    private static final int RECORD = 1_000;

    private static Journal open(Path dir) throws Exception {
        return Journal.open(JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(4096)
                .stagingBufferSize(64 << 10).syncPolicy(SyncPolicy.none()).build());
    }

    private static byte[] record(long seq) {
        final byte[] b = new byte[RECORD];
        Arrays.fill(b, (byte) seq);
        b[0] = (byte) (seq >>> 8);
        return b;
    }

    private static void append(Journal j, long from, long to) {
        for (long s = from; s < to; s++) {
            assertEquals(s, j.append(record(s)) >= 0 ? s : -1);
        }
    }

    private static List<Long> drain(JournalReader r) throws Exception {
        final List<Long> seqs = new ArrayList<>();
        for (JournalRecord rec; (rec = r.next()) != null; ) {
            assertArrayEquals(record(rec.sequence()), rec.payload(), "content of " + rec);
            seqs.add(rec.sequence());
        }
        return seqs;
    }

    private static void assertFrom(long from, long to, List<Long> seqs) {
        assertFalse(seqs.isEmpty(), "no record read; want [" + from + ", " + to + ")");
        assertEquals(to - from, seqs.size(), "records read: first=" + seqs.get(0) + " count=" + seqs.size()
                + "; want [" + from + ", " + to + ")");
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(from + i, seqs.get(i));
        }
    }

    @Test
    void shouldReturnEveryRecordFromASequenceBeyondTheEndAfterRolls(@TempDir Path dir) throws Exception {
        try (Journal j = open(dir)) {
            append(j, 0, 10);
            j.flush();
            try (JournalReader r = j.reader(100)) {
                assertNull(r.next(), "nothing at 100 yet");
                append(j, 10, 260);
                j.flush();
                assertFrom(100, 260, drain(r));
            }
        }
    }

    @Test
    void shouldReturnEveryDurableRecordFromASequenceBeyondTheEndAfterRolls(@TempDir Path dir) throws Exception {
        try (Journal j = open(dir)) {
            append(j, 0, 10);
            j.flush();
            try (JournalReader r = j.durableReader(100)) {
                assertNull(r.next(), "nothing at 100 yet");
                append(j, 10, 260);
                j.flush();
                assertFrom(100, 260, drain(r));
            }
        }
    }

    @Test
    void shouldReturnEveryRecordFromASequenceInALaterSegmentOfAClosedJournal(@TempDir Path dir) throws Exception {
        try (Journal j = open(dir)) {
            append(j, 0, 10);
            j.flush();
            final JournalReader early = JournalReader.open(dir, 100);
            assertNull(early.next());
            append(j, 10, 260);
            j.flush();
            j.close();
            try (early) {
                assertFrom(100, 260, drain(early));
            }
        }
    }
}
