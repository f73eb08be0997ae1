package io.mappedjournal.metrics;

/**
 * The JMX view of one journal, registered at open as
 * {@code io.mappedjournal:type=Journal,name="<directory>"} and unregistered at close. Each read
 * takes a fresh {@link MetricsSnapshot}.
 */
public interface JournalMXBean {
    /**
     * The journal's directory.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the absolute path as a string
     */
    String getDirectory();

    /**
     * The journal's health: OK, DEGRADED, FAILED or CLOSED (see {@code Journal.health()}).
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the health's name
     */
    String getHealth();

    /**
     * Why the journal is DEGRADED or FAILED, reasons separated by {@code "; "}.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the reasons; empty when OK
     */
    String getHealthReasons();

    /**
     * Records appended (accepted into staging).
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the count
     */
    long getAppended();

    /**
     * Payload bytes appended.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the byte count
     */
    long getAppendedBytes();

    /**
     * Appends dropped under the DROP backpressure policy.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the count
     */
    long getDropped();

    /**
     * Appends refused with an exception (full under FAIL or after a BLOCK timeout, too large, closed, failed).
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the count
     */
    long getRejected();

    /**
     * Every append attempt: appended + dropped + rejected.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the count
     */
    long getAttempted();

    /**
     * Total time appends spent blocked waiting for staging space.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return seconds (every duration attribute is in seconds, the base unit Micrometer uses too)
     */
    double getBlockedSeconds();

    /**
     * Bytes currently staged, not yet drained by the master.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the byte count
     */
    long getStagingUsedBytes();

    /**
     * The staging memory bound: maxWriters * stagingBufferSize.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the byte count
     */
    long getStagingBoundBytes();

    /**
     * Staging rings currently owned by a writer.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the count
     */
    int getWritersInUse();

    /**
     * Syncs done.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the count
     */
    long getSyncs();

    /**
     * Average records made durable per sync (the group commit factor).
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the average, 0 before the first sync
     */
    double getRecordsPerSync();

    /**
     * The 99th percentile of sync latency since open.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return seconds
     */
    double getSyncLatencyP99Seconds();

    /**
     * Syncs slower than the slow-sync threshold.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the count
     */
    long getSlowSyncs();

    /**
     * The written watermark: records below this sequence are in a segment.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the sequence
     */
    long getWrittenSequence();

    /**
     * The durable watermark: records below this sequence are durable.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the sequence
     */
    long getDurableSequence();

    /**
     * Records written but not yet durable.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the count
     */
    long getDurableLagRecords();

    /**
     * Segment rolls since open.
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the count
     */
    long getRolls();

    /**
     * Total time the master waited at rolls for the preallocator (non-zero when it rolls faster
     * than segments are created and prefaulted).
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return seconds
     */
    double getRollWaitSeconds();

    /**
     * Total time the master waited at rolls for the previous segment's background seal sync
     * (non-zero when segments fill faster than the disk writes them back).
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return seconds
     */
    double getSealWaitSeconds();

    /**
     * Errors the master recorded (a failed sync, for example).
     *
     * <p>Threading: any thread (JMX calls it on its own threads); takes a fresh snapshot, never blocks the journal.
     *
     * @return the count
     */
    long getErrors();
}
