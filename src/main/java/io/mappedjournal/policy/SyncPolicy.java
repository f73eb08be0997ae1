package io.mappedjournal.policy;

import java.time.Duration;

/**
 * When the master syncs what it has written (group commit). Chosen once, at open.
 *
 * <p>Whatever the policy, a caller may wait for its own record ({@code awaitDurable}) or for
 * everything before a point ({@code flush}); such a wait makes the master sync at the end of its
 * current pass instead of waiting for the policy, so most records can go asynchronously while a
 * few wait. Every sync is {@code msync(MS_SYNC)} with its return code checked.
 */
public interface SyncPolicy {
    /** See {@link #none()}. */
    SyncPolicy NONE = new FixedSyncPolicy("none", false, "seconds");
    /** See {@link #always()}. */
    SyncPolicy ALWAYS = new FixedSyncPolicy("always", true, "0ms");

    /**
     * Master only, at the end of a drain pass that left unsynced bytes.
     *
     * @param unsyncedBytes      bytes written since the last sync, &gt; 0
     * @param oldestUnsyncedNanos {@link System#nanoTime()} of the first write since the last sync
     * @param nowNanos           {@link System#nanoTime()} now
     */
    boolean shouldSync(long unsyncedBytes, long oldestUnsyncedNanos, long nowNanos);

    /** Longest time an acknowledged-but-unsynced record may stay unsynced, for reports. */
    String lossWindow();

    /** Short name, e.g. {@code always}, {@code batch_10ms}, {@code none}. */
    String name();

    /** Never sync on its own: the OS writes pages back when it likes (typically within 30 s). */
    static SyncPolicy none() {
        return NONE;
    }

    /** Sync after every drain pass that wrote anything: every acknowledgement means durable. */
    static SyncPolicy always() {
        return ALWAYS;
    }

    /** Sync once {@code interval} has passed since the oldest unsynced write, or {@code bytes} are unsynced. */
    static SyncPolicy batch(Duration interval, long bytes) {
        return new BatchSyncPolicy(interval.toNanos(), bytes);
    }

    /** Parses {@code always}, {@code none} or {@code batch_<N>ms} (any N &gt;= 1). */
    static SyncPolicy parse(String text) {
        if ("always".equals(text)) {
            return always();
        }
        if ("none".equals(text)) {
            return none();
        }
        if (text != null && text.startsWith("batch_") && text.endsWith("ms")) {
            final String digits = text.substring("batch_".length(), text.length() - 2);
            if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit) && digits.length() < 10) {
                final long millis = Long.parseLong(digits);
                if (millis >= 1) {
                    return batch(Duration.ofMillis(millis), Long.MAX_VALUE);
                }
            }
        }
        throw new IllegalArgumentException("unknown sync policy '" + text
                + "': expected always, none or batch_<N>ms with N >= 1");
    }
}
