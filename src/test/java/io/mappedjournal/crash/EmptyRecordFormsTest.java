package io.mappedjournal.crash;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.JournalWriter;
import io.mappedjournal.policy.Ordering;
import io.mappedjournal.policy.SyncPolicy;
import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Empty records in every append form, total order, across rolls and a reopen. */
class EmptyRecordFormsTest {
    @TempDir
    Path dir;

    @Test
    void emptyRecordsInEveryFormAcrossRollsAndAReopen() throws Exception {
        final JournalConfig cfg = JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(4096)
                .ordering(Ordering.TOTAL).syncPolicy(SyncPolicy.always()).build();
        int n = 0;
        try (Journal j = Journal.open(cfg)) {
            final JournalWriter w = j.writer();
            long last = -1;
            for (int i = 0; i < 20_000; i++) { // 16-byte frames: ~5 segments, empty frames at every boundary
                switch (i % 4) {
                    case 0: last = w.claim(0).commit(); break;
                    case 1: last = w.append(ByteBuffer.allocate(0)); break;
                    case 2: last = w.append(BytesStore.wrap(new byte[0]), 0, 0); break;
                    default: last = w.append(new byte[0]);
                }
                n++;
            }
            assertTrue(j.awaitDurable(last, 30, TimeUnit.SECONDS));
            assertEquals(n, j.durableSequence());
            assertTrue(j.metrics().rolls() > 2);
        }
        try (Journal j = Journal.open(cfg); JournalReader r = j.reader(0)) {
            assertEquals(n, j.recoveryReport().nextSequence(), j.recoveryReport().describe());
            long s = 0;
            for (JournalRecord rec; (rec = r.next()) != null; s++) {
                assertEquals(s, rec.sequence());
                assertEquals(0, rec.length());
            }
            assertEquals(n, s);
        }
    }
}
