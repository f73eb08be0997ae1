package io.mappedjournal;

import io.mappedjournal.master.Master;
import io.mappedjournal.master.MasterMetrics;
import io.mappedjournal.metrics.MetricsSnapshot;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.WriterCounters;

/**
 * Builds {@link Journal#metrics()}: sums every staging ring's writer counters and adds the pool's,
 * the master's and the segment log's.
 *
 * <p>Threading: any thread; reads counters (each exact on its own), never blocks appends or the master.
 */
final class MetricsAggregator {
    private final StagingPool pool;
    private final WriterPool writers;
    private final Master master;
    private final MasterMetrics masterMetrics;

    MetricsAggregator(StagingPool pool, WriterPool writers, Master master, MasterMetrics masterMetrics) {
        this.pool = pool;
        this.writers = writers;
        this.master = master;
        this.masterMetrics = masterMetrics;
    }

    /** A new snapshot: walks every staging ring and copies two histograms. */
    MetricsSnapshot snapshot() {
        long appended = 0;
        long bytes = 0;
        long dropped = writers.dropped();
        long rejected = writers.rejected();
        long blocked = 0;
        long used = 0;
        final int count = pool.allocated();
        for (int i = 0; i < count; i++) {
            final StagingRing ring = pool.ring(i);
            final WriterCounters c = ring.counters();
            appended += c.appended();
            bytes += c.bytes();
            dropped += c.dropped();
            rejected += c.rejected();
            blocked += c.blockedNanos();
            used += ring.occupancy();
        }
        return new MetricsSnapshot(appended, bytes, dropped, rejected, blocked, used, pool.memoryBound(), pool.inUse(),
                count, masterMetrics.drainPasses(), masterMetrics.drainBatchSizes(), masterMetrics.syncs(),
                masterMetrics.syncedRecords(), masterMetrics.slowSyncs(), masterMetrics.syncLatencyNanos(),
                master.writtenSequence(), master.durableSequence(), master.log().rolls(),
                master.log().rollWaitNanos(), master.log().sealWaitNanos(), masterMetrics.errors());
    }
}
