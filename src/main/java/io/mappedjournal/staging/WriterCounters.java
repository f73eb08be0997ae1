package io.mappedjournal.staging;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * Append counters of one staging ring. Written only by the ring's current owner (ordered
 * stores, no read-modify-write on a shared line), read by anyone taking a metrics snapshot.
 * Every append attempt increments exactly one of appended, dropped or rejected.
 */
public final class WriterCounters {
    private static final AtomicLongFieldUpdater<WriterCounters> APPENDED =
            AtomicLongFieldUpdater.newUpdater(WriterCounters.class, "appended");
    private static final AtomicLongFieldUpdater<WriterCounters> BYTES =
            AtomicLongFieldUpdater.newUpdater(WriterCounters.class, "bytes");
    private static final AtomicLongFieldUpdater<WriterCounters> DROPPED =
            AtomicLongFieldUpdater.newUpdater(WriterCounters.class, "dropped");
    private static final AtomicLongFieldUpdater<WriterCounters> REJECTED =
            AtomicLongFieldUpdater.newUpdater(WriterCounters.class, "rejected");
    private static final AtomicLongFieldUpdater<WriterCounters> BLOCKED_NANOS =
            AtomicLongFieldUpdater.newUpdater(WriterCounters.class, "blockedNanos");

    private volatile long appended;
    private volatile long bytes;
    private volatile long dropped;
    private volatile long rejected;
    private volatile long blockedNanos;

    WriterCounters() {
    }

    /**
     * Counts an appended record. Owner thread only.
     *
     * @param payloadLength the record's payload bytes
     */
    public void onAppended(int payloadLength) {
        APPENDED.lazySet(this, appended + 1);
        BYTES.lazySet(this, bytes + payloadLength);
    }

    /** Counts an append dropped under the DROP backpressure policy. Owner thread only. */
    public void onDropped() {
        DROPPED.lazySet(this, dropped + 1);
    }

    /** Counts an append refused with an exception. Owner thread only. */
    public void onRejected() {
        REJECTED.lazySet(this, rejected + 1);
    }

    /**
     * Adds time an append spent blocked waiting for staging space. Owner thread only.
     *
     * @param nanos the time blocked, in nanoseconds
     */
    public void onBlocked(long nanos) {
        BLOCKED_NANOS.lazySet(this, blockedNanos + nanos);
    }

    /**
     * Records appended so far. Any thread.
     *
     * @return the count
     */
    public long appended() {
        return appended;
    }

    /**
     * Payload bytes appended so far. Any thread.
     *
     * @return the byte count
     */
    public long bytes() {
        return bytes;
    }

    /**
     * Appends dropped so far. Any thread.
     *
     * @return the count
     */
    public long dropped() {
        return dropped;
    }

    /**
     * Appends refused with an exception so far. Any thread.
     *
     * @return the count
     */
    public long rejected() {
        return rejected;
    }

    /**
     * Time appends spent blocked so far. Any thread.
     *
     * @return nanoseconds
     */
    public long blockedNanos() {
        return blockedNanos;
    }
}
