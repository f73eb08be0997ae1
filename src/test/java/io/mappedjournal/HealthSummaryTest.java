package io.mappedjournal;

import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many full staging rings are one reason with a count, not one reason per ring. */
class HealthSummaryTest {
    @TempDir
    Path dir;

    @Test
    void sixteenFullRingsAreOneReasonWithACount() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        try (Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).syncer(syncer)
                .stagingBufferSize(4096).maxRecordSize(256).backpressure(Backpressure.DROP).build())) {
            // Hold the master in a sync (a flush makes it sync inline, behind the gate) ...
            syncer.gate = new CountDownLatch(1);
            journal.append(TestPayloads.of(0, 0, 50));
            final Thread flusher = TestSeams.startFlusher(journal);
            while (!syncer.masterHeld()) {
                Thread.onSpinWait();
            }
            // ... while 16 producers (a ring each) fill their rings until the journal drops.
            final Thread[] producers = new Thread[16];
            for (int t = 0; t < producers.length; t++) {
                final int id = t + 1;
                producers[t] = new Thread(() -> {
                    long n = 0;
                    while (journal.append(TestPayloads.of(id, n, 50)) != Journal.DROPPED) {
                        n++;
                    }
                });
                producers[t].start();
            }
            for (Thread p : producers) {
                p.join();
            }
            final List<String> reasons = journal.healthReasons();
            assertEquals(Health.DEGRADED, journal.health());
            assertEquals(1, reasons.size(), reasons.toString());
            assertTrue(reasons.get(0).matches("16 staging rings are over 80% full \\(the fullest, ring \\d+, is \\d+% full\\)"),
                    reasons.toString());
            syncer.gate.countDown();
            flusher.join();
        }
    }
}
