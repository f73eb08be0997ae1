package io.mappedjournal;

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
 * Ring positions never go back (also across owners), so a receipt stays valid for the life of
 * the journal; 2^48 bytes per ring is 256 TiB. Negative values are sentinels ({@link Journal#DROPPED}).
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
}
