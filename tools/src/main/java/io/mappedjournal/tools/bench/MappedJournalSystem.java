package io.mappedjournal.tools.bench;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalWriter;
import io.mappedjournal.metrics.MetricsSnapshot;
import io.mappedjournal.policy.Ordering;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** mapped-journal itself; under {@code always} every producer waits for its own record. */
final class MappedJournalSystem implements BenchSystem {
    private final Journal journal;
    private final SyncSpec sync;
    private MetricsSnapshot last;

    MappedJournalSystem(Path dir, SyncSpec sync, int recordSize, Ordering ordering, Integer stagingBuffer)
            throws IOException {
        this.sync = sync;
        final JournalConfig.Builder config = JournalConfig.builder(dir).syncPolicy(sync.policy()).ordering(ordering)
                .maxRecordSize(Math.max(recordSize, 1024));
        if (stagingBuffer != null) {
            config.stagingBufferSize(stagingBuffer);
        }
        this.journal = Journal.open(config.build());
    }

    @Override
    public Appender appender(int thread) {
        final JournalWriter writer = journal.writer();
        if (sync.always) {
            return payload -> {
                if (!journal.awaitDurable(writer.append(payload), 30, TimeUnit.SECONDS)) {
                    throw new IOException("record not durable within 30 s");
                }
            };
        }
        return writer::append;
    }

    @Override
    public String notes() {
        final MetricsSnapshot m = last != null ? last : journal.metrics();
        return String.format("syncs=%d records/sync=%.1f sync_p50_us=%d blocked_ms=%d roll_wait_ms=%d seal_wait_ms=%d",
                m.syncs(), m.recordsPerSync(), m.syncLatencyNanos().getValueAtPercentile(50) / 1000,
                m.blockedNanos() / 1_000_000, m.rollWaitNanos() / 1_000_000, m.sealWaitNanos() / 1_000_000);
    }

    @Override
    public void close() throws IOException {
        if (last != null) {
            return;
        }
        try {
            journal.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        last = journal.metrics();
        journal.close();
    }
}
