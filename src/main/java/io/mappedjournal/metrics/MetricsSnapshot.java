package io.mappedjournal.metrics;

import org.HdrHistogram.Histogram;

/**
 * A point-in-time view of a journal's counters, from {@code Journal.metrics()}. Counters are
 * read one after another, not atomically together, so related counters may be off by records in
 * flight; each counter on its own is exact and monotonic, and once appends stop,
 * {@code appended + dropped + rejected == attempted}.
 *
 * <p>The journal builds these ({@code Journal.metrics()}); monitoring adapters and tests may build
 * their own. Two histograms are kept as given, not copied: the journal hands each snapshot its own
 * copies.
 *
 * <p>Threading: immutable apart from the two histograms, which are copies owned by this
 * snapshot; share it across threads only after the histograms are no longer modified.
 *
 * @param appended              records appended (accepted into staging)
 * @param appendedBytes         payload bytes appended
 * @param dropped               appends dropped under the DROP backpressure policy (including writers not
 *                              created for lack of a ring)
 * @param rejected              appends refused with an exception
 * @param blockedNanos          total time appends spent blocked waiting for staging space, in nanoseconds
 * @param stagingUsedBytes      bytes staged and not yet drained by the master
 * @param stagingBoundBytes     the staging memory bound: maxWriters * stagingBufferSize
 * @param writersInUse          staging rings currently owned by a writer
 * @param stagingRingsAllocated staging rings allocated so far (at most maxWriters)
 * @param drainPasses           master drain passes that moved at least one record
 * @param drainBatchSizes       records per non-empty drain pass, cumulative since open (a copy)
 * @param syncs                 syncs done
 * @param syncedRecords         records made durable by those syncs
 * @param slowSyncs             syncs slower than the slow-sync threshold
 * @param syncLatencyNanos      sync latency in nanoseconds, cumulative since open (a copy)
 * @param writtenSequence       the written watermark: records below this sequence are in a segment
 * @param durableSequence       the durable watermark: records below this sequence are durable
 * @param rolls                 segment rolls since open
 * @param rollWaitNanos         nanoseconds the master waited at rolls for the preallocator (it rolled
 *                              faster than segments were prepared)
 * @param sealWaitNanos         nanoseconds the master waited at rolls for the previous segment's
 *                              background seal sync (it filled segments faster than the disk wrote
 *                              them back)
 * @param errors                errors the master recorded
 */
public record MetricsSnapshot(long appended, long appendedBytes, long dropped, long rejected, long blockedNanos,
                              long stagingUsedBytes, long stagingBoundBytes, int writersInUse,
                              int stagingRingsAllocated, long drainPasses, Histogram drainBatchSizes, long syncs,
                              long syncedRecords, long slowSyncs, Histogram syncLatencyNanos, long writtenSequence,
                              long durableSequence, long rolls, long rollWaitNanos, long sealWaitNanos, long errors) {

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

    /**
     * A one-line summary (the main counters, not every component). Any thread.
     *
     * @return the summary
     */
    @Override
    public String toString() {
        return "MetricsSnapshot{appended=" + appended + ", bytes=" + appendedBytes + ", dropped=" + dropped
                + ", rejected=" + rejected + ", blockedMs=" + blockedNanos / 1_000_000 + ", stagingUsed="
                + stagingUsedBytes + "/" + stagingBoundBytes + ", writers=" + writersInUse + ", drainPasses="
                + drainPasses + ", syncs=" + syncs + ", recordsPerSync=" + String.format("%.1f", recordsPerSync())
                + ", syncP99us=" + syncLatencyNanos.getValueAtPercentile(99) / 1000 + ", written=" + writtenSequence
                + ", durable=" + durableSequence + ", rolls=" + rolls + ", rollWaitMs=" + rollWaitNanos / 1_000_000
                + ", sealWaitMs=" + sealWaitNanos / 1_000_000 + ", errors=" + errors + '}';
    }
}
