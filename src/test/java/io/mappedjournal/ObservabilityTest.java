package io.mappedjournal;

import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class ObservabilityTest {
    @TempDir
    Path dir;

    @Test
    void shouldExposeMetricsAndHealthOverJmxAndUnregisterOnClose() throws Exception {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        final ObjectName name = JmxRegistration.nameFor(dir.toAbsolutePath().toString());
        final RecordingSyncer syncer = new RecordingSyncer();
        try (Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).syncer(syncer)
                .stagingBufferSize(4096).maxRecordSize(256).backpressure(Backpressure.DROP).build())) {
            assertTrue(server.isRegistered(name), name.toString());
            for (int n = 0; n < 10; n++) {
                journal.append(TestPayloads.of(0, n, 50));
            }
            journal.flush();
            assertEquals("OK", server.getAttribute(name, "Health"));
            assertEquals(Health.OK, journal.health());
            assertEquals(10L, server.getAttribute(name, "Appended"));
            assertEquals(10L, server.getAttribute(name, "DurableSequence"));
            assertEquals(dir.toAbsolutePath().toString(), server.getAttribute(name, "Directory"));

            // Hold the master in a sync and fill the staging ring: DEGRADED, with the reason. A
            // flush makes the master sync inline, behind the gate.
            syncer.gate = new CountDownLatch(1);
            journal.append(TestPayloads.of(0, 10, 50));
            final Thread flusher = TestSeams.startFlusher(journal);
            while (!syncer.masterHeld()) {
                Thread.onSpinWait();
            }
            int n = 11;
            while (journal.append(TestPayloads.of(0, n, 50)) != Journal.DROPPED) {
                n++;
            }
            assertEquals(Health.DEGRADED, journal.health());
            assertTrue(journal.healthReasons().get(0).matches("staging ring 0 is \\d+% full"), journal.healthReasons().toString());
            assertEquals("DEGRADED", server.getAttribute(name, "Health"));
            assertEquals(1L, server.getAttribute(name, "Dropped"));
            syncer.gate.countDown();
            flusher.join();
            journal.flush();
            assertEquals(Health.OK, journal.health());
        }
        assertFalse(server.isRegistered(name), "unregistered at close");
    }

    @Test
    void shouldReportFailedHealthAfterASyncFailure() throws Exception {
        final RecordingSyncer syncer = new RecordingSyncer();
        try (Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.always()).syncer(syncer).build())) {
            syncer.failOnCall = syncer.calls.get() + 1;
            final long r = journal.append(new byte[8]);
            assertThrows(JournalFailedException.class, () -> journal.awaitDurable(r, 10, TimeUnit.SECONDS));
            assertEquals(Health.FAILED, journal.health());
            assertTrue(journal.healthReasons().get(0).startsWith("failed: java.io.IOException: injected msync failure"),
                    journal.healthReasons().toString());
        }
    }
}
