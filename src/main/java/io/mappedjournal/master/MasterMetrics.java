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

    /**
     * Records one sync. Master thread only.
     *
     * @param nanos   how long the sync took
     * @param records records written since the previous sync
     */
    public void onSync(long nanos, long records) {
        syncLatency.recordValue(Math.max(1, nanos));
        syncs = syncs + 1; // master is the only writer
        syncedRecords = syncedRecords + records;
    }

    /** Counts a sync slower than the journal's threshold. Master thread only. */
    public void onSlowSync() {
        slowSyncs = slowSyncs + 1;
    }

    /**
     * Records one drain pass; a pass that found nothing is not recorded. Master thread only.
     *
     * @param records data records drained in the pass
     */
    public void onDrain(int records) {
        if (records > 0) {
            drainBatch.recordValue(records);
            drainPasses = drainPasses + 1;
        }
    }

    /** Counts a failure of the master. Master thread only. */
    public void onError() {
        errors = errors + 1;
    }

    /**
     * Syncs so far. Any thread.
     *
     * @return the sync count
     */
    public long syncs() {
        return syncs;
    }

    /**
     * Records counted at the syncs so far (the sum of {@link #onSync}'s {@code records}). Any thread.
     *
     * @return the record count
     */
    public long syncedRecords() {
        return syncedRecords;
    }

    /**
     * Drain passes that found at least one record. Any thread.
     *
     * @return the pass count
     */
    public long drainPasses() {
        return drainPasses;
    }

    /**
     * Master failures so far. Any thread.
     *
     * @return the failure count
     */
    public long errors() {
        return errors;
    }

    /**
     * Syncs slower than the journal's threshold so far. Any thread.
     *
     * @return the slow sync count
     */
    public long slowSyncs() {
        return slowSyncs;
    }

    /**
     * Cumulative sync latency histogram in nanoseconds (a copy). Any thread.
     *
     * @return a new histogram
     */
    public synchronized Histogram syncLatencyNanos() {
        syncTotal.add(syncLatency.getIntervalHistogram());
        return syncTotal.copy();
    }

    /**
     * Cumulative histogram of records per non-empty drain pass (a copy). Any thread.
     *
     * @return a new histogram
     */
    public synchronized Histogram drainBatchSizes() {
        drainTotal.add(drainBatch.getIntervalHistogram());
        return drainTotal.copy();
    }
}
