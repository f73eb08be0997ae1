package io.mappedjournal.metrics;

/**
 * The JMX view of one journal, registered at open as
 * {@code io.mappedjournal:type=Journal,name="<directory>"} and unregistered at close. Each read
 * takes a fresh {@link MetricsSnapshot}.
 */
public interface JournalMXBean {
    String getDirectory();

    /** OK, DEGRADED, FAILED or CLOSED. */
    String getHealth();

    /** Why the journal is DEGRADED or FAILED; empty when OK. */
    String getHealthReasons();

    long getAppended();

    long getAppendedBytes();

    long getDropped();

    long getRejected();

    long getAttempted();

    long getBlockedMillis();

    long getStagingUsedBytes();

    long getStagingBoundBytes();

    int getWritersInUse();

    long getSyncs();

    double getRecordsPerSync();

    long getSyncLatencyP99Micros();

    long getSlowSyncs();

    long getWrittenSequence();

    long getDurableSequence();

    long getDurableLagRecords();

    long getRolls();

    /** Nanoseconds the master waited at rolls for the preallocator. */
    long getRollWaitNanos();

    long getErrors();
}
