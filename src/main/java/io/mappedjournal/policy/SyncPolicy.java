package io.mappedjournal.policy;

import java.time.Duration;

/**
 * When the master syncs what it has written (group commit). Chosen once, at open.
 *
 * <p>Whatever the policy, a caller may wait for its own record ({@code awaitDurable}) or for
 * everything before a point ({@code flush}); such a wait makes the master sync at the end of its
 * current pass instead of waiting for the policy, so most records can go asynchronously while a
 * few wait. Every sync is {@code msync(MS_SYNC)} with its return code checked.
 *
 * <p>A sync the policy asks for runs on the journal's sealer thread while the master keeps
 * draining; if the policy wants the next sync before that one finished, the master waits for it,
 * so a record nobody waits for is durable at most the policy's interval plus one sync after it
 * was written. A sync for a waiting caller runs on the master, after any sync in flight.
 */
public interface SyncPolicy {
    /**
     * Never syncs on its own; see {@link #none()}.
     */
    SyncPolicy NONE = new FixedSyncPolicy("none", false, "seconds");
    /**
     * Syncs after every drain pass that wrote anything; see {@link #always()}.
     */
    SyncPolicy ALWAYS = new FixedSyncPolicy("always", true, "0ms");

    /**
     * Whether to sync now. Called at the end of a drain pass that left unsynced bytes (and by the
     * journal's health check with a time in the past).
     *
     * <p>Threading: the master thread, and any thread calling {@code Journal.health()}: implementations
     * must be thread-safe (the built-in ones are immutable), cheap and non-blocking.
     *
     * @param unsyncedBytes       bytes written since the last sync, &gt; 0
     * @param oldestUnsyncedNanos {@link System#nanoTime()} of the first write since the last sync
     * @param nowNanos            {@link System#nanoTime()} now
     * @return true to sync now
     */
    boolean shouldSync(long unsyncedBytes, long oldestUnsyncedNanos, long nowNanos);

    /**
     * The longest time an acknowledged but unsynced record may stay unsynced under this policy,
     * for reports (for example {@code "10ms"}).
     *
     * <p>Threading: any thread.
     *
     * @return a human-readable duration
     */
    String lossWindow();

    /**
     * A short name, e.g. {@code always}, {@code batch_10ms}, {@code none}; {@link #parse(String)}
     * reads it back for the built-in policies.
     *
     * <p>Threading: any thread.
     *
     * @return the name
     */
    String name();

    /**
     * Never sync on its own: the OS writes pages back when it likes (typically within 30 s). A
     * process crash loses nothing written; a power cut may lose anything not explicitly waited for.
     *
     * <p>Threading: any thread.
     *
     * @return {@link #NONE}
     */
    static SyncPolicy none() {
        return NONE;
    }

    /**
     * Sync after every drain pass that wrote anything (group commit over that pass): every
     * acknowledgement is durable soon after, at the cost of one sync per pass.
     *
     * <p>Threading: any thread.
     *
     * @return {@link #ALWAYS}
     */
    static SyncPolicy always() {
        return ALWAYS;
    }

    /**
     * Sync once {@code interval} has passed since the oldest unsynced write, or once {@code bytes}
     * are unsynced, whichever comes first.
     *
     * <p>Threading: any thread; the policy is immutable.
     *
     * @param interval the longest an unsynced write waits, &gt;= 1 ns (reported in whole milliseconds)
     * @param bytes    the most bytes left unsynced, &gt; 0 ({@link Long#MAX_VALUE} for no byte limit)
     * @return a new policy
     * @throws IllegalArgumentException if {@code interval} or {@code bytes} is not positive
     * @throws NullPointerException     if {@code interval} is null
     */
    static SyncPolicy batch(Duration interval, long bytes) {
        return new BatchSyncPolicy(interval.toNanos(), bytes);
    }

    /**
     * Parses {@code always}, {@code none} or {@code batch_<N>ms} (any N &gt;= 1), as the tools and
     * {@link #name()} spell them.
     *
     * <p>Threading: any thread.
     *
     * @param text the name
     * @return the policy
     * @throws IllegalArgumentException if {@code text} is null or not one of those forms
     */
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
