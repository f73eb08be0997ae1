package io.mappedjournal.micrometer;

import io.mappedjournal.Health;
import io.mappedjournal.Journal;
import io.mappedjournal.metrics.MetricsSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.function.ToDoubleFunction;

/**
 * A Micrometer {@link MeterBinder} for one {@link Journal}: its {@link Journal#metrics()} as
 * {@code journal.*} meters in base units (durations in seconds, sizes in bytes), tagged
 * {@code journal=<directory>}.
 *
 * <pre>{@code
 * new JournalMetrics(journal).bindTo(registry);
 * }</pre>
 *
 * <p>Counters (monotonic since open): {@code journal.appended} (records), {@code journal.appended.bytes},
 * {@code journal.dropped}, {@code journal.rejected}, {@code journal.blocked.time} (seconds producers
 * waited for staging space), {@code journal.syncs}, {@code journal.synced.records},
 * {@code journal.syncs.slow}, {@code journal.rolls}, {@code journal.roll.wait.time},
 * {@code journal.seal.wait.time} (seconds), {@code journal.errors}. Gauges: {@code journal.staging.used}
 * and {@code journal.staging.bound} (bytes), {@code journal.writers}, {@code journal.sync.latency.p99}
 * and {@code journal.sync.latency.max} (seconds, since open), {@code journal.sequence.written},
 * {@code journal.sequence.durable}, {@code journal.durable.lag} (records), {@code journal.health}
 * (0 OK, 1 DEGRADED, 2 FAILED, 3 CLOSED).
 *
 * <p>Threading: the registry reads the meters on its own threads. Each read takes at most one
 * snapshot per {@link #SNAPSHOT_REUSE_NANOS} (a scrape reads every meter; one snapshot serves them
 * all). The meters hold the journal strongly: remove them ({@code registry.remove}) when it closes;
 * a closed journal's meters read its last metrics.
 */
public final class JournalMetrics implements MeterBinder {
    /** A snapshot serves every meter read within this time (one scrape). */
    static final long SNAPSHOT_REUSE_NANOS = 100_000_000L;

    private final Journal journal;
    private final Iterable<Tag> tags;
    private MetricsSnapshot snapshot;
    private long snapshotAt;

    /**
     * A binder for {@code journal}, tagged {@code journal=<its directory>}.
     *
     * @param journal an open journal
     */
    public JournalMetrics(Journal journal) {
        this(journal, Tags.empty());
    }

    /**
     * A binder for {@code journal} with more tags.
     *
     * @param journal an open journal
     * @param tags    added to every meter, beside {@code journal=<directory>}
     */
    public JournalMetrics(Journal journal, Iterable<Tag> tags) {
        this.journal = journal;
        this.tags = Tags.concat(tags, "journal", journal.directory().toString());
    }

    /** The current snapshot, shared by reads within {@link #SNAPSHOT_REUSE_NANOS}. */
    synchronized MetricsSnapshot snapshot() {
        final long now = System.nanoTime();
        if (snapshot == null || now - snapshotAt > SNAPSHOT_REUSE_NANOS) {
            snapshot = journal.metrics();
            snapshotAt = now;
        }
        return snapshot;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "journal.appended", "records appended (accepted)", "records", m -> m.appended());
        counter(registry, "journal.appended.bytes", "payload bytes appended", BaseUnits.BYTES, m -> m.appendedBytes());
        counter(registry, "journal.dropped", "appends dropped under DROP backpressure", "records", m -> m.dropped());
        counter(registry, "journal.rejected", "appends rejected under FAIL backpressure or a timed-out BLOCK", "records",
                m -> m.rejected());
        counter(registry, "journal.blocked.time", "time producers waited for staging space", "seconds",
                m -> m.blockedNanos() / 1e9);
        counter(registry, "journal.syncs", "syncs (msync) done", "syncs", m -> m.syncs());
        counter(registry, "journal.synced.records", "records covered by syncs", "records", m -> m.syncedRecords());
        counter(registry, "journal.syncs.slow", "syncs slower than the slow-sync threshold", "syncs", m -> m.slowSyncs());
        counter(registry, "journal.rolls", "segment rolls", "rolls", m -> m.rolls());
        counter(registry, "journal.roll.wait.time", "time the master waited at rolls for the preallocator", "seconds",
                m -> m.rollWaitNanos() / 1e9);
        counter(registry, "journal.seal.wait.time", "time the master waited at rolls for the previous seal", "seconds",
                m -> m.sealWaitNanos() / 1e9);
        counter(registry, "journal.errors", "errors the master recorded", "errors", m -> m.errors());

        gauge(registry, "journal.staging.used", "bytes staged, not yet drained", BaseUnits.BYTES, m -> m.stagingUsedBytes());
        gauge(registry, "journal.staging.bound", "staging memory bound (maxWriters x stagingBufferSize)", BaseUnits.BYTES,
                m -> m.stagingBoundBytes());
        gauge(registry, "journal.writers", "writers (staging rings) in use", "writers", m -> m.writersInUse());
        gauge(registry, "journal.sync.latency.p99", "99th percentile sync latency since open", "seconds",
                m -> m.syncLatencyNanos().getValueAtPercentile(99) / 1e9);
        gauge(registry, "journal.sync.latency.max", "slowest sync since open", "seconds",
                m -> m.syncLatencyNanos().getMaxValue() / 1e9);
        gauge(registry, "journal.sequence.written", "first sequence not yet written", "records", m -> m.writtenSequence());
        gauge(registry, "journal.sequence.durable", "first sequence not yet durable", "records", m -> m.durableSequence());
        gauge(registry, "journal.durable.lag", "records written but not yet durable", "records", MetricsSnapshot::durableLagRecords);
        // Held strongly (as every gauge here): the registry keeps this binder, so the function
        // counters' weak reference to it stays valid while the meters are registered.
        Gauge.builder("journal.health", this, b -> health(b.journal.health()))
                .description("0 OK, 1 DEGRADED, 2 FAILED, 3 CLOSED").tags(tags).strongReference(true).register(registry);
    }

    static double health(Health h) {
        return h.ordinal();
    }

    private void counter(MeterRegistry registry, String name, String description, String unit,
                         ToDoubleFunction<MetricsSnapshot> f) {
        FunctionCounter.builder(name, this, b -> f.applyAsDouble(b.snapshot()))
                .description(description).baseUnit(unit).tags(tags).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit,
                       ToDoubleFunction<MetricsSnapshot> f) {
        Gauge.builder(name, this, b -> f.applyAsDouble(b.snapshot()))
                .description(description).baseUnit(unit).tags(tags).strongReference(true).register(registry);
    }
}
