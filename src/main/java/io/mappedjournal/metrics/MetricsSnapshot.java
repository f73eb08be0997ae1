package io.mappedjournal.metrics;

import org.HdrHistogram.Histogram;

/**
 * A point-in-time view of a journal's counters. Counters are read one after another, not
 * atomically together, so related counters may be off by records in flight; each counter on
 * its own is exact and monotonic, and once appends stop,
 * {@code appended + dropped + rejected == attempted}.
 */
public final class MetricsSnapshot {
    public final long appended;
    public final long appendedBytes;
    public final long dropped;
    public final long rejected;
    public final long blockedNanos;
    public final long stagingUsedBytes;
    public final long stagingBoundBytes;
    public final int writersInUse;
    public final int stagingRingsAllocated;
    public final long drainPasses;
    public final Histogram drainBatchSizes;
    public final long syncs;
    public final long syncedRecords;
    public final long slowSyncs;
    public final Histogram syncLatencyNanos;
    public final long writtenSequence;
    public final long durableSequence;
    public final long rolls;
    /** Nanoseconds the master waited at rolls for the preallocator (it rolled faster than segments were prepared). */
    public final long rollWaitNanos;
    public final long errors;

    public MetricsSnapshot(long appended, long appendedBytes, long dropped, long rejected, long blockedNanos,
                           long stagingUsedBytes, long stagingBoundBytes, int writersInUse, int stagingRingsAllocated,
                           long drainPasses, Histogram drainBatchSizes, long syncs, long syncedRecords, long slowSyncs,
                           Histogram syncLatencyNanos, long writtenSequence, long durableSequence, long rolls,
                           long rollWaitNanos, long errors) {
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
        this.errors = errors;
    }

    /** Every append attempt: appended + dropped + rejected. */
    public long attempted() {
        return appended + dropped + rejected;
    }

    /** Records written to the segment but not yet synced. */
    public long durableLagRecords() {
        return Math.max(0, writtenSequence - durableSequence);
    }

    /** Average records covered by one sync (group commit factor). */
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
                + ", durable=" + durableSequence + ", rolls=" + rolls + ", rollWaitMs=" + rollWaitNanos / 1_000_000 + ", errors=" + errors + '}';
    }
}
