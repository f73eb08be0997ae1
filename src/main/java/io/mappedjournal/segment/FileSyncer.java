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
    /**
     * Makes {@code [fromOffset, toOffset)} of a mapped segment durable. Called by the master, by
     * the sealer thread (possibly at the same time) and during open and repair.
     *
     * @param segment    the segment
     * @param fromOffset start of the range
     * @param toOffset   end of the range (exclusive)
     * @throws IOException if the range is not known to be durable
     */
    void sync(Segment segment, long fromOffset, long toOffset) throws IOException;

    /**
     * Makes {@code [fromOffset, toOffset)} of a sealed segment durable and releases the segment,
     * which is never written again (the sealer thread, after a roll). Same contract as
     * {@link #sync}; the segment is closed whether or not it throws. The default syncs the range,
     * then closes.
     *
     * @param segment    the sealed segment
     * @param fromOffset start of the range
     * @param toOffset   end of the range (exclusive)
     * @throws IOException if the range is not known to be durable
     */
    default void syncAndClose(Segment segment, long fromOffset, long toOffset) throws IOException {
        try {
            sync(segment, fromOffset, toOffset);
        } finally {
            segment.close();
        }
    }
}
