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

    public void onAppended(int payloadLength) {
        APPENDED.lazySet(this, appended + 1);
        BYTES.lazySet(this, bytes + payloadLength);
    }

    public void onDropped() {
        DROPPED.lazySet(this, dropped + 1);
    }

    public void onRejected() {
        REJECTED.lazySet(this, rejected + 1);
    }

    public void onBlocked(long nanos) {
        BLOCKED_NANOS.lazySet(this, blockedNanos + nanos);
    }

    public long appended() {
        return appended;
    }

    public long bytes() {
        return bytes;
    }

    public long dropped() {
        return dropped;
    }

    public long rejected() {
        return rejected;
    }

    public long blockedNanos() {
        return blockedNanos;
    }
}
