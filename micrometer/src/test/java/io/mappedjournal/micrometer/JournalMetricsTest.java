package io.mappedjournal.micrometer;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.policy.SyncPolicy;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalMetricsTest {
    @TempDir
    Path dir;

    @Test
    void exposesTheJournalsMetricsInBaseUnitsTaggedWithItsDirectory() throws Exception {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Journal journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.always()).build())) {
            new JournalMetrics(journal).bindTo(registry);
            for (int i = 0; i < 10; i++) {
                journal.append(new byte[50]);
            }
            journal.flush();
            Thread.sleep(JournalMetrics.SNAPSHOT_REUSE_NANOS / 1_000_000 + 20); // past the shared snapshot
            final String tag = journal.directory().toString();
            assertEquals(10.0, registry.get("journal.appended").tag("journal", tag).functionCounter().count());
            assertEquals(500.0, registry.get("journal.appended.bytes").functionCounter().count());
            assertEquals(10.0, registry.get("journal.sequence.durable").gauge().value());
            assertEquals(0.0, registry.get("journal.durable.lag").gauge().value());
            assertTrue(registry.get("journal.syncs").functionCounter().count() >= 1);
            final double p99 = registry.get("journal.sync.latency.p99").gauge().value();
            assertTrue(p99 > 0 && p99 < 10, "a sync in seconds, not nanoseconds: " + p99);
            assertEquals(0.0, registry.get("journal.health").gauge().value());

            // Base units only: every duration in seconds, every size in bytes.
            final Set<String> units = new TreeSet<>();
            for (Meter m : registry.getMeters()) {
                final String unit = m.getId().getBaseUnit();
                final String name = m.getId().getName();
                if (name.endsWith(".time") || name.contains("latency")) {
                    assertEquals("seconds", unit, name);
                }
                if (name.endsWith(".bytes") || name.startsWith("journal.staging.")) {
                    assertEquals("bytes", unit, name);
                }
                units.add(String.valueOf(unit));
                assertEquals(tag, m.getId().getTag("journal"), name);
            }
            assertEquals(Set.of("bytes", "errors", "null", "records", "rolls", "seconds", "syncs", "writers"), units);
        }
    }
}
