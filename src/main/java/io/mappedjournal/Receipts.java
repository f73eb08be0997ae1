package io.mappedjournal;

import io.mappedjournal.staging.StagingRing;

/**
 * A receipt names one appended record for durability waits, without allocation: the staging
 * ring it went through and the ring position just past it.
 *
 * <pre>
 *   63 62          48 47                                             0
 *  +--+--------------+------------------------------------------------+
 *  |0 |  ring id     |  ring position after the record (48 bits)      |
 *  +--+--------------+------------------------------------------------+
 * </pre>
 * Ring positions never go back (also across owners) and are 64 bits wide; a receipt keeps their
 * low 48 bits. {@link #fullPosition} restores the full position against the ring's published tail:
 * the latest position at or below the tail with those low bits. That is exact for every receipt
 * issued within the last 2^48 bytes (256 TiB) of the ring; an older receipt decodes to a later
 * position, which reads durable later than it could, never earlier (issue 11, defect 3: comparing
 * the 48 bits with the 64-bit durable position made every receipt of a ring past 2^48 read durable).
 * Negative values are sentinels ({@link Journal#DROPPED}).
 */
final class Receipts {
    static final int POSITION_BITS = 48;
    static final long POSITION_MASK = (1L << POSITION_BITS) - 1;

    private Receipts() {
    }

    static long pack(int ringId, long position) {
        return ((long) ringId << POSITION_BITS) | (position & POSITION_MASK);
    }

    static int ringId(long receipt) {
        return (int) (receipt >>> POSITION_BITS);
    }

    static long position(long receipt) {
        return receipt & POSITION_MASK;
    }

    /**
     * The full 64-bit ring position a receipt names. Any thread holding the receipt (its append
     * happened before, so the ring's published tail is at or past it).
     *
     * <pre>
     *   position = tail - ((tail - low48) mod 2^48)     (the last position &lt;= tail with these low bits)
     * </pre>
     *
     * @param ring    the receipt's ring
     * @param receipt the receipt
     * @return the position just past the record
     */
    static long fullPosition(StagingRing ring, long receipt) {
        final long tail = ring.publishedPosition(); // volatile read, at or past the receipt's position
        return tail - ((tail - position(receipt)) & POSITION_MASK);
    }

    /**
     * Whether the record behind {@code receipt} is durable: the ring's durable position (a volatile
     * read) has reached its full position. Any thread.
     *
     * @param ring    the receipt's ring
     * @param receipt the receipt
     * @return true if durable
     */
    static boolean isDurable(StagingRing ring, long receipt) {
        return ring.durablePositionVolatile() >= fullPosition(ring, receipt);
    }
}
