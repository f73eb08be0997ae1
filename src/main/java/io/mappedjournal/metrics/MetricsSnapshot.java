package io.mappedjournal.metrics;

import org.HdrHistogram.Histogram;

/**
 * A point-in-time view of a journal's counters, from {@code Journal.metrics()}. Counters are
 * read one after another, not atomically together, so related counters may be off by records in
 * flight; each counter on its own is exact and monotonic, and once appends stop,
 * {@code appended + dropped + rejected == attempted}.
 *
 * <p>Threading: immutable apart from the two histograms, which are copies owned by this
 * snapshot; share it across threads only after the histograms are no longer modified.
 */
public final class MetricsSnapshot {
    /**
     * Records appended (accepted into staging).
     */
    public final long appended;
    /**
     * Payload bytes appended.
     */
    public final long appendedBytes;
    /**
     * Appends dropped under the DROP backpressure policy (including writers not created for lack of a ring).
     */
    public final long dropped;
    /**
     * Appends refused with an exception.
     */
    public final long rejected;
    /**
     * Total time appends spent blocked waiting for staging space, in nanoseconds.
     */
    public final long blockedNanos;
    /**
     * Bytes staged and not yet drained by the master.
     */
    public final long stagingUsedBytes;
    /**
     * The staging memory bound: maxWriters * stagingBufferSize.
     */
    public final long stagingBoundBytes;
    /**
     * Staging rings currently owned by a writer.
     */
    public final int writersInUse;
    /**
     * Staging rings allocated so far (at most maxWriters).
     */
    public final int stagingRingsAllocated;
    /**
     * Master drain passes that moved at least one record.
     */
    public final long drainPasses;
    /**
     * Records per non-empty drain pass, cumulative since open (a copy).
     */
    public final Histogram drainBatchSizes;
    /**
     * Syncs done.
     */
    public final long syncs;
    /**
     * Records made durable by those syncs.
     */
    public final long syncedRecords;
    /**
     * Syncs slower than the slow-sync threshold.
     */
    public final long slowSyncs;
    /**
     * Sync latency in nanoseconds, cumulative since open (a copy).
     */
    public final Histogram syncLatencyNanos;
    /**
     * The written watermark: records below this sequence are in a segment.
     */
    public final long writtenSequence;
    /**
     * The durable watermark: records below this sequence are durable.
     */
    public final long durableSequence;
    /**
     * Segment rolls since open.
     */
    public final long rolls;
    /**
     * Nanoseconds the master waited at rolls for the preallocator (it rolled faster than segments
     * were prepared).
     */
    public final long rollWaitNanos;
    /**
     * Nanoseconds the master waited at rolls for the previous segment's background seal sync (it
     * filled segments faster than the disk wrote them back).
     */
    public final long sealWaitNanos;
    /**
     * Errors the master recorded.
     */
    public final long errors;

    /**
     * Creates a snapshot from counter values. The journal builds these ({@code Journal.metrics()});
     * monitoring adapters and tests may build their own. Any thread.
     *
     * @param appended              records appended
     * @param appendedBytes         payload bytes appended
     * @param dropped               appends dropped
     * @param rejected              appends refused with an exception
     * @param blockedNanos          time appends spent blocked, in nanoseconds
     * @param stagingUsedBytes      bytes staged and not yet drained
     * @param stagingBoundBytes     the staging memory bound
     * @param writersInUse          staging rings owned by a writer
     * @param stagingRingsAllocated staging rings allocated
     * @param drainPasses           non-empty drain passes
     * @param drainBatchSizes       records per non-empty drain pass (kept, not copied)
     * @param syncs                 syncs done
     * @param syncedRecords         records made durable by syncs
     * @param slowSyncs             slow syncs
     * @param syncLatencyNanos      sync latency in nanoseconds (kept, not copied)
     * @param writtenSequence       the written watermark
     * @param durableSequence       the durable watermark
     * @param rolls                 segment rolls
     * @param rollWaitNanos         time the master waited at rolls for the preallocator, in nanoseconds
     * @param sealWaitNanos         time the master waited at rolls for the previous seal sync, in nanoseconds
     * @param errors                errors recorded
     */
    public MetricsSnapshot(long appended, long appendedBytes, long dropped, long rejected, long blockedNanos,
                           long stagingUsedBytes, long stagingBoundBytes, int writersInUse, int stagingRingsAllocated,
                           long drainPasses, Histogram drainBatchSizes, long syncs, long syncedRecords, long slowSyncs,
                           Histogram syncLatencyNanos, long writtenSequence, long durableSequence, long rolls,
                           long rollWaitNanos, long sealWaitNanos, long errors) {
        this.appended = appended;
        this.appendedBytes = appendedBytes;
        this.dropped = dropped;
        this.rejected = rejected;
        this.blockedNanos = blockedNanos;
        this.stagingUsedBytes = stagingUsedBytes;
        this.stagingBoundBytes = stagingBoundBytes;
        this.writersInUse = writersInUse;
        this.stagingRingsAllocated = stagingRingsAllocated;
        this.drainPasses = drainPasses;
        this.drainBatchSizes = drainBatchSizes;
        this.syncs = syncs;
        this.syncedRecords = syncedRecords;
        this.slowSyncs = slowSyncs;
        this.syncLatencyNanos = syncLatencyNanos;
        this.writtenSequence = writtenSequence;
        this.durableSequence = durableSequence;
        this.rolls = rolls;
        this.rollWaitNanos = rollWaitNanos;
        this.sealWaitNanos = sealWaitNanos;
        this.errors = errors;
    }

    /**
     * Every append attempt: appended + dropped + rejected. Any thread.
     *
     * @return the count
     */
    public long attempted() {
        return appended + dropped + rejected;
    }

    /**
     * Records written to a segment but not yet durable. Any thread.
     *
     * @return the count, &gt;= 0
     */
    public long durableLagRecords() {
        return Math.max(0, writtenSequence - durableSequence);
    }

    /**
     * Average records made durable by one sync (the group commit factor). Any thread.
     *
     * @return the average, 0 before the first sync
     */
    public double recordsPerSync() {
        return syncs == 0 ? 0 : (double) syncedRecords / syncs;
    }

    @Override
    public String toString() {
        return "MetricsSnapshot{appended=" + appended + ", bytes=" + appendedBytes + ", dropped=" + dropped
                + ", rejected=" + rejected + ", blockedMs=" + blockedNanos / 1_000_000 + ", stagingUsed="
                + stagingUsedBytes + "/" + stagingBoundBytes + ", writers=" + writersInUse + ", drainPasses="
                + drainPasses + ", syncs=" + syncs + ", recordsPerSync=" + String.format("%.1f", recordsPerSync())
                + ", syncP99us=" + syncLatencyNanos.getValueAtPercentile(99) / 1000 + ", written=" + writtenSequence
                + ", durable=" + durableSequence + ", rolls=" + rolls + ", rollWaitMs=" + rollWaitNanos / 1_000_000 + ", sealWaitMs=" + sealWaitNanos / 1_000_000 + ", errors=" + errors + '}';
    }
}
