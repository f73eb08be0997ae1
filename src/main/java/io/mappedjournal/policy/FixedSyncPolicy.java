package io.mappedjournal.policy;

/** The two parameterless policies: sync after every pass, or never. */
final class FixedSyncPolicy implements SyncPolicy {
    private final String name;
    private final boolean sync;
    private final String lossWindow;

    FixedSyncPolicy(String name, boolean sync, String lossWindow) {
        this.name = name;
        this.sync = sync;
        this.lossWindow = lossWindow;
    }

    @Override
    public boolean shouldSync(long unsyncedBytes, long oldestUnsyncedNanos, long nowNanos) {
        return sync;
    }

    @Override
    public String lossWindow() {
        return lossWindow;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
