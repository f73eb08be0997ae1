package io.mappedjournal.policy;

import java.time.Duration;

/**
 * When the master starts a new segment before the active one is full. A full segment always
 * rolls; an empty one never does.
 */
@FunctionalInterface
public interface RollPolicy {

    /**
     * Whether the master should roll the active, non-empty segment now.
     *
     * <p>Threading: called by the master thread only; should be cheap and must not block.
     *
     * @param segmentCreatedMillis wall-clock time the active segment became active
     * @param nowMillis            wall-clock time now
     * @return true to roll now
     */
    boolean shouldRoll(long segmentCreatedMillis, long nowMillis);

    /**
     * Roll only when the segment is full (the default).
     *
     * <p>Threading: any thread; the policy is stateless.
     *
     * @return the policy
     */
    static RollPolicy whenFull() {
        return (created, now) -> false;
    }

    /**
     * Also roll a non-empty segment once it has been active for {@code age}.
     *
     * <p>Threading: any thread; the policy is immutable.
     *
     * @param age the longest a non-empty segment stays active, &gt; 0 ms
     * @return the policy
     * @throws IllegalArgumentException if {@code age} is shorter than 1 ms
     * @throws NullPointerException     if {@code age} is null
     */
    static RollPolicy every(Duration age) {
        final long millis = age.toMillis();
        if (millis <= 0) {
            throw new IllegalArgumentException("roll age must be > 0: age=" + age);
        }
        return (created, now) -> now - created >= millis;
    }
}
