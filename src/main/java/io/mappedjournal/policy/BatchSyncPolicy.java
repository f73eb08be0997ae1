package io.mappedjournal.policy;

/** Group commit on a timer or a byte count, whichever comes first. */
final class BatchSyncPolicy implements SyncPolicy {
    private final long intervalNanos;
    private final long bytes;

    BatchSyncPolicy(long intervalNanos, long bytes) {
        if (intervalNanos <= 0 || bytes <= 0) {
            throw new IllegalArgumentException("batch interval and bytes must be > 0: intervalNanos="
                    + intervalNanos + " bytes=" + bytes);
        }
        this.intervalNanos = intervalNanos;
        this.bytes = bytes;
    }

    @Override
    public boolean shouldSync(long unsyncedBytes, long oldestUnsyncedNanos, long nowNanos) {
        return unsyncedBytes >= bytes || nowNanos - oldestUnsyncedNanos >= intervalNanos;
    }

    @Override
    public String lossWindow() {
        return (intervalNanos / 1_000_000) + "ms";
    }

    @Override
    public String name() {
        return "batch_" + (intervalNanos / 1_000_000) + "ms";
    }

    @Override
    public String toString() {
        return bytes == Long.MAX_VALUE ? name() : name() + "/" + bytes + "B";
    }
}
