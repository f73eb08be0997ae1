package io.mappedjournal.segment;

import java.io.IOException;

/**
 * Makes a byte range of a mapped segment durable. The production implementation is
 * {@link MsyncSyncer}; tests substitute one that counts or fails, to check that nothing is
 * acknowledged before it was synced and that a failed sync fails the journal.
 *
 * <p>Contract: either the range is durable when this returns, or it throws. A failure is never
 * retried by the journal (after a failed fsync the kernel may have dropped the dirty pages).
 */
@FunctionalInterface
public interface FileSyncer {
    void sync(Segment segment, long fromOffset, long toOffset) throws IOException;
}
