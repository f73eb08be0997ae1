package io.mappedjournal.policy;

import java.time.Duration;

/**
 * When the master starts a new segment before the active one is full. A full segment always
 * rolls; an empty one never does.
 */
@FunctionalInterface
public interface RollPolicy {

    /**
     * @param segmentCreatedMillis wall-clock time the active segment became active
     * @param nowMillis            wall-clock time now
     */
    boolean shouldRoll(long segmentCreatedMillis, long nowMillis);

    /** Roll only when the segment is full (the default). */
    static RollPolicy whenFull() {
        return (created, now) -> false;
    }

    /** Also roll a non-empty segment once it has been active for {@code age}. */
    static RollPolicy every(Duration age) {
        final long millis = age.toMillis();
        if (millis <= 0) {
            throw new IllegalArgumentException("roll age must be > 0: age=" + age);
        }
        return (created, now) -> now - created >= millis;
    }
}
