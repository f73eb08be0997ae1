package io.mappedjournal.policy;

/**
 * What an append does when its writer's staging ring is full (the master is behind), or when
 * every staging ring is taken. Chosen once per journal.
 */
public enum Backpressure {
    /** Wait for space, up to the configured timeout, then throw {@code StagingFullException}. */
    BLOCK,
    /** Return the {@code Journal.DROPPED} sentinel at once and count the record as dropped. */
    DROP,
    /** Throw {@code StagingFullException} at once and count the record as rejected. */
    FAIL
}
