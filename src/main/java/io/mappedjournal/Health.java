package io.mappedjournal;

/** A journal's health, readable from code ({@link Journal#health()}) and JMX. */
public enum Health {
    /** Appends are accepted and the master keeps up. */
    OK,
    /**
     * Still working, but a staging ring is near full (producers are about to feel backpressure),
     * or synced data lags: unsynced records older than the policy allows, or a slow last sync.
     * {@link Journal#healthReasons()} says which.
     */
    DEGRADED,
    /** Failed (for example a sync failed): nothing more is accepted; reopen to recover. */
    FAILED,
    /** Closed cleanly. */
    CLOSED
}
