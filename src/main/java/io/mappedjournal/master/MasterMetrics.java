package io.mappedjournal.master;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counters and histograms the master records (master thread writes; snapshots read). Sync
 * latency and drain batch sizes go into HdrHistogram {@link Recorder}s, which let one writer
 * record while a reader takes interval copies without locking the writer.
 */
public final class MasterMetrics {
    private final Recorder syncLatency = new Recorder(3);
    private final Recorder drainBatch = new Recorder(3);
    private final Histogram syncTotal = new Histogram(3);
    private final Histogram drainTotal = new Histogram(3);
    private volatile long syncs;
    private volatile long syncedRecords;
    private volatile long drainPasses;
    private volatile long errors;
    private volatile long slowSyncs;

    public void onSync(long nanos, long records) {
        syncLatency.recordValue(Math.max(1, nanos));
        syncs = syncs + 1; // master is the only writer
        syncedRecords = syncedRecords + records;
    }

    public void onSlowSync() {
        slowSyncs = slowSyncs + 1;
    }

    public void onDrain(int records) {
        if (records > 0) {
            drainBatch.recordValue(records);
            drainPasses = drainPasses + 1;
        }
    }

    public void onError() {
        errors = errors + 1;
    }

    public long syncs() {
        return syncs;
    }

    public long syncedRecords() {
        return syncedRecords;
    }

    public long drainPasses() {
        return drainPasses;
    }

    public long errors() {
        return errors;
    }

    public long slowSyncs() {
        return slowSyncs;
    }

    /** Cumulative sync latency histogram in nanoseconds (a copy). */
    public synchronized Histogram syncLatencyNanos() {
        syncTotal.add(syncLatency.getIntervalHistogram());
        return syncTotal.copy();
    }

    /** Cumulative histogram of records per non-empty drain pass (a copy). */
    public synchronized Histogram drainBatchSizes() {
        drainTotal.add(drainBatch.getIntervalHistogram());
        return drainTotal.copy();
    }
}
