package io.mappedjournal.staging;

import io.mappedjournal.format.StagingDescriptor;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.Memory;
import net.openhft.chronicle.core.OS;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import static io.mappedjournal.format.StagingDescriptor.*;

/**
 * One producer's staging buffer: a single-producer / single-consumer ring of records in
 * off-heap memory (a Chronicle {@link BytesStore} over a direct buffer). The layout is in
 * {@link StagingDescriptor}.
 *
 * <p>Producer side ({@link #tryClaim}, {@link #commit}, {@link #abort}) is called by exactly one
 * thread at a time, the ring's owner. Consumer side ({@link #acquirePublished} or
 * {@link #peekTicket}, then {@link #nextRecord}, {@link #payloadAddress}, {@link #consumeRecord},
 * {@link #releaseConsumed}) is called only by the master, which pulls each record's bytes and
 * copies them where it wants: the ring is never called back. The owner publishes with one
 * volatile store of the tail position; the master frees space with one release store of the head
 * position, after it has finished copying the records out.
 *
 * <p>Positions never go back, also when the ring is handed to a new owner, so a receipt
 * (ring id, end position) stays meaningful for the life of the journal.
 */
public final class StagingRing {
    /** Sentinel from {@link #tryClaim}: not enough free space now. */
    public static final long INSUFFICIENT_CAPACITY = -1L;

    /** Raw access to the ring's memory: every index is masked (or a trailer offset), so always in bounds. */
    private static final Memory MEMORY = OS.memory();
    private static final AtomicLongFieldUpdater<StagingRing> DURABLE =
            AtomicLongFieldUpdater.newUpdater(StagingRing.class, "durablePosition");

    private final int id;
    private final int capacity;
    private final int mask;
    private final BytesStore<?, ByteBuffer> store;
    private final long tailPositionOffset;
    private final long headPositionOffset;
    /** Native address of index 0 (the direct buffer never moves). */
    private final long address;

    // ---- producer-owned (plain fields: only the owner thread touches them) ----
    private long producerTail;
    private long cachedHead;
    private long pendingTail = -1;
    private int pendingRecordIndex;

    // ---- master-owned ----
    private long consumerHead;
    /** Head after the master's last drain of this ring; durable once the next sync completes. */
    private long drainedPosition;

    /** Everything before this position has been synced to the segment. Master writes, volatile. */
    private volatile long durablePosition;

    /** Lifecycle, see {@link StagingPool}. */
    volatile Thread owner;
    volatile boolean inUse;
    volatile boolean released;

    // ---- counters: written only by the owner (ordered stores), read by metrics ----
    private final WriterCounters counters = new WriterCounters();

    StagingRing(int id, int capacity) {
        if (Integer.bitCount(capacity) != 1 || capacity < 1024) {
            throw new IllegalArgumentException("staging capacity must be a power of two >= 1024: capacity=" + capacity);
        }
        this.id = id;
        this.capacity = capacity;
        this.mask = capacity - 1;
        // A direct buffer, not released explicitly: a producer that raced close may still be
        // writing into it, so its memory is returned by the buffer's cleaner once unreachable.
        this.store = BytesStore.wrap(ByteBuffer.allocateDirect(capacity + TRAILER_LENGTH));
        this.tailPositionOffset = capacity + TAIL_POSITION_OFFSET;
        this.headPositionOffset = capacity + HEAD_POSITION_OFFSET;
        this.address = store.addressForRead(0);
    }

    /**
     * This ring's id: its slot in the pool, carried by every receipt. Any thread.
     *
     * @return the id
     */
    public int id() {
        return id;
    }

    /**
     * Bytes in the data area, a power of two. Any thread.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The memory records are written into; the index from {@link #tryClaim} addresses it.
     *
     * @return the ring's store
     */
    public BytesStore<?, ByteBuffer> buffer() {
        return store;
    }

    /**
     * This ring's append counters, written by its current owner. Any thread.
     *
     * @return the counters
     */
    public WriterCounters counters() {
        return counters;
    }

    /** Largest payload a single record may have in this ring. */
    int maxPayload() {
        return capacity / 2 - RECORD_HEADER_LENGTH;
    }

    // ------------------------------------------------------------------ producer side

    /**
     * Reserves space for a record of {@code payloadLength} bytes. Owner thread only.
     *
     * @param payloadLength payload bytes
     * @return the index of the payload in {@link #buffer()}, or {@link #INSUFFICIENT_CAPACITY}
     */
    public long tryClaim(int payloadLength) {
        final int recordLength = StagingDescriptor.recordLength(payloadLength);
        final long tail = producerTail;
        final int index = (int) (tail & mask);
        final int toEnd = capacity - index;
        final long required = recordLength <= toEnd ? recordLength : (long) toEnd + recordLength;
        if (tail + required - cachedHead > capacity) {
            // Acquire: the master's head release store follows its last read of the freed bytes.
            cachedHead = MEMORY.readVolatileLong(address + headPositionOffset);
            if (tail + required - cachedHead > capacity) {
                return INSUFFICIENT_CAPACITY;
            }
        }
        int recordIndex = index;
        if (recordLength > toEnd) {
            MEMORY.writeInt(address + lengthOffset(index), toEnd - RECORD_HEADER_LENGTH);
            MEMORY.writeInt(address + typeOffset(index), TYPE_PADDING);
            recordIndex = 0;
        }
        MEMORY.writeInt(address + lengthOffset(recordIndex), payloadLength);
        MEMORY.writeInt(address + typeOffset(recordIndex), TYPE_DATA);
        pendingRecordIndex = recordIndex;
        pendingTail = tail + required;
        return payloadOffset(recordIndex);
    }

    /**
     * Publishes the claimed record.
     *
     * <p>Volatile store (a release plus a full fence): the record's bytes are visible to the
     * master before the new tail, and the fence orders this store before the caller's next read
     * of the journal state, which the close protocol relies on (see {@code Journal#close}).
     * Owner thread only.
     *
     * @return the ring position just past the record (the receipt position)
     */
    public long commit() {
        return publishPending();
    }

    /**
     * Total-order mode: stamps the claimed record with its global {@code ticket} (taken by the
     * caller just now), then publishes it as {@link #commit()} does. Owner thread only.
     *
     * @param ticket the record's global ticket
     * @return the ring position just past the record (the receipt position)
     */
    public long commit(long ticket) {
        final Runnable hook = beforeTicketStampForTest;
        if (hook != null) {
            hook.run();
        }
        MEMORY.writeLong(address + ticketOffset(pendingRecordIndex), ticket);
        return publishPending();
    }

    /**
     * Total order: how a void record stores its ticket, {@code -(ticket + 2)} (so never -1, which
     * {@link #peekTicket()} returns for "nothing published"). A void record uses its ticket and is
     * never written to a segment.
     *
     * @param stored what {@link #peekTicket()} returned, not -1
     * @return the ticket
     */
    public static long ticketOf(long stored) {
        return stored >= 0 ? stored : -stored - 2;
    }

    /**
     * Total order, after {@link #commit(long)} threw for {@code ticket} (taken from the journal's
     * counter): publishes the claimed record as void, so the ticket is not a hole that stops the
     * master's ticket-order drain for good (issue 11, suspected 8). The claim is consumed. Owner
     * thread only.
     *
     * @param ticket the ticket the failed commit took
     */
    public void publishVoid(long ticket) {
        if (pendingTail < 0 && tailVolatile() == producerTail) {
            return; // the commit published before it threw: the record stands as written
        }
        MEMORY.writeLong(address + ticketOffset(pendingRecordIndex), -ticket - 2);
        if (pendingTail >= 0) {
            publishPending();
        } else {
            MEMORY.writeVolatileLong(address + tailPositionOffset, producerTail); // volatile, as in commit
        }
    }

    /** Test seam: runs in {@link #commit(long)} after the ticket was taken, before it is stamped. Owner only. */
    private Runnable beforeTicketStampForTest;

    /**
     * Test seam: makes the next {@link #commit(long)} calls run {@code hook} first (for example,
     * throw as a stack overflow would between taking a ticket and publishing it). Owner thread only.
     *
     * @param hook the hook, or null
     */
    public void beforeTicketStampForTest(Runnable hook) {
        beforeTicketStampForTest = hook;
    }

    private long publishPending() {
        final long newTail = pendingTail;
        pendingTail = -1;
        producerTail = newTail;
        MEMORY.writeVolatileLong(address + tailPositionOffset, newTail);
        return newTail;
    }

    /** Forgets the claimed record; nothing was published. Owner thread only. */
    public void abort() {
        pendingTail = -1;
    }

    /**
     * Whether a claim is open: {@link #tryClaim} succeeded and neither commit nor abort followed.
     * Owner thread only.
     *
     * @return true if a claim is open
     */
    public boolean hasPendingClaim() {
        return pendingTail >= 0;
    }

    /**
     * The producer's view of its published tail. Owner thread only.
     *
     * @return the tail position
     */
    public long producerPosition() {
        return producerTail;
    }

    // ------------------------------------------------------------------ master side
    // The master pulls records (see the class comment); an I/O error in its copy never passes here.

    /** Master only: the published tail as last acquired, the bound of nextRecord(). */
    private long cachedTail;
    /** Master only: index of the data record nextRecord() returned (its first byte). */
    private int takenIndex;
    /** Master only: payload length of the data record nextRecord() returned. */
    private int takenLength;

    /** Tail as published by the producer (acquire). */
    long tailVolatile() {
        return MEMORY.readVolatileLong(address + tailPositionOffset);
    }

    /**
     * Per-producer order: acquires the published tail as the bound of this pass (a record
     * published later waits for the next pass). Master thread only.
     *
     * @return true if anything was published past what the master consumed
     */
    public boolean acquirePublished() {
        // Acquire: everything the producer wrote before its tail store is visible now.
        cachedTail = tailVolatile();
        return consumerHead != cachedTail;
    }

    /**
     * Takes the next data record below the acquired tail, stepping over padding. Its payload is
     * at {@link #payloadAddress()} until {@link #consumeRecord()}; meanwhile
     * {@link #consumedPosition()} is the record's start, so a roll inside the copy seals exactly the
     * records before it. Master thread only, after {@link #acquirePublished()} or a
     * {@link #peekTicket()} that did not return -1.
     *
     * @return the record's payload length, or -1 if no data record is left below the tail
     * @throws IllegalStateException if a record has an unknown type (a bug: rings are process memory)
     */
    public int nextRecord() {
        final long tail = cachedTail;
        long head = consumerHead;
        while (head < tail) {
            final int index = (int) (head & mask);
            // Plain loads: the acquire of the tail made the producer's header stores visible.
            final int length = MEMORY.readInt(address + lengthOffset(index));
            final int type = MEMORY.readInt(address + typeOffset(index));
            if (type == TYPE_DATA) {
                consumerHead = head; // plain store: what a roll inside the master's copy has sealed (consumedPosition)
                takenIndex = index;
                takenLength = length;
                return length;
            } else if (type != TYPE_PADDING) {
                throw new IllegalStateException("staging ring " + id + " corrupt: type=" + type
                        + " at position=" + head + " (a bug: rings are process memory)");
            }
            head += StagingDescriptor.recordLength(length);
        }
        consumerHead = head;
        return -1;
    }

    /**
     * Native address of the payload of the record {@link #nextRecord()} took: plain memory to
     * copy from, valid until {@link #releaseConsumed()}. Master thread only.
     *
     * @return the payload's address
     */
    public long payloadAddress() {
        return address + payloadOffset(takenIndex);
    }

    /** Moves past the record {@link #nextRecord()} took; its space is freed at {@link #releaseConsumed()}. Master thread only. */
    public void consumeRecord() {
        consumerHead += StagingDescriptor.recordLength(takenLength);
    }

    /**
     * Frees what was consumed since the last release to the producer. Master thread only, after
     * it has finished copying those records out.
     */
    public void releaseConsumed() {
        if (drainedPosition != consumerHead) {
            drainedPosition = consumerHead;
            // Release: the copies above complete before the producer may reuse this space.
            MEMORY.writeOrderedLong(address + headPositionOffset, consumerHead);
        }
    }

    /**
     * Hands every published record to {@code consumer}, in order, then frees their space: the
     * master's per-producer pass with a callback instead of a segment, for tests and benchmarks
     * that consume a ring without a master. Master (or test) thread only.
     *
     * @param consumer receives each data record
     * @return the number of data records drained
     * @throws IllegalStateException if a record has an unknown type (a bug: rings are process memory)
     */
    public int drain(RecordConsumer consumer) {
        if (!acquirePublished()) {
            return 0;
        }
        int records = 0;
        for (int length; (length = nextRecord()) >= 0; records++) {
            consumer.accept(this, payloadOffset(takenIndex), length);
            consumeRecord();
        }
        releaseConsumed();
        return records;
    }

    /**
     * Total order: ticket of the next unconsumed data record, or -1 if none is published; a void
     * record's ticket is stored as {@code -(ticket + 2)} (see {@link #ticketOf}). Re-acquires the
     * tail when everything acquired so far was consumed. Master thread only.
     *
     * @return the stored ticket, or -1
     */
    public long peekTicket() {
        long head = consumerHead;
        if (head == cachedTail) {
            cachedTail = tailVolatile(); // acquire, as in acquirePublished()
            if (head == cachedTail) {
                return -1;
            }
        }
        int index = (int) (head & mask);
        if (MEMORY.readInt(address + typeOffset(index)) == TYPE_PADDING) {
            head += StagingDescriptor.recordLength(MEMORY.readInt(address + lengthOffset(index)));
            consumerHead = head;
            if (head == cachedTail) {
                return -1;
            }
            index = (int) (head & mask);
        }
        return MEMORY.readLong(address + ticketOffset(index));
    }

    /**
     * Position just past the records the master has drained. Master thread; another thread only
     * after the master has finished ({@link io.mappedjournal.master.JournalState#awaitTerminal()}).
     *
     * @return the drained position
     */
    public long drainedPosition() {
        return drainedPosition;
    }

    /**
     * Position just past the records the master has consumed so far, also in the middle of a
     * pass: while a record taken by {@link #nextRecord()} is being copied it is the start of that
     * record. A roll inside that copy seals exactly the records below it. Master thread only.
     *
     * @return the consumed position
     */
    public long consumedPosition() {
        return consumerHead;
    }

    /** True when the master has copied out everything the producer published. */
    boolean isDrained() {
        return consumerHead == tailVolatile();
    }

    // ------------------------------------------------------------------ durability

    /**
     * Every record of this ring before this position is durable (a volatile read). Any thread.
     *
     * @return the durable position
     */
    public long durablePositionVolatile() {
        return durablePosition;
    }

    /**
     * Master only, after a sync or seal: every record before {@code position} (a drained or
     * consumed position taken when that sync or seal started) is durable. Never moves the durable position back
     * (a later blocking sync may have published more).
     *
     * @param position a position this ring had drained to when the sync started
     */
    public void publishDurable(long position) {
        if (position > durablePosition) {
            DURABLE.set(this, position); // volatile store; waiters re-check after enqueueing
        }
    }

    /**
     * Bytes published but not yet drained (for metrics; racy but each read is atomic). Any thread.
     *
     * @return the bytes in use
     */
    public long occupancy() {
        return tailVolatile() - MEMORY.readVolatileLong(address + headPositionOffset);
    }

    /**
     * Tail as published by the owner (a volatile read). Any thread: what a receipt's position is
     * decoded against ({@code Receipts}); a receipt returned before this read is at or below it.
     *
     * @return the published tail position
     */
    public long publishedPosition() {
        return tailVolatile();
    }

    /**
     * Test seam: a ring whose positions start at {@code position} (as if {@code position} bytes
     * had passed through it already), to test receipts near the 2^48 boundary without writing it.
     *
     * @param id       the ring id
     * @param capacity bytes in the data area
     * @param position the starting position, a multiple of {@code capacity}
     * @return a new ring, nothing published
     */
    public static StagingRing startingAtForTest(int id, int capacity, long position) {
        final StagingRing ring = new StagingRing(id, capacity);
        if ((position & (capacity - 1)) != 0) {
            throw new IllegalArgumentException("start position must be a multiple of capacity: " + position);
        }
        ring.producerTail = ring.cachedHead = ring.consumerHead = ring.drainedPosition = ring.cachedTail = position;
        ring.durablePosition = position;
        MEMORY.writeVolatileLong(ring.address + ring.tailPositionOffset, position);
        MEMORY.writeVolatileLong(ring.address + ring.headPositionOffset, position);
        return ring;
    }

    /** Receives records from {@link #drain} (tests and benchmarks; the master pulls records instead). */
    @FunctionalInterface
    public interface RecordConsumer {
        /**
         * Receives one data record. Master thread only.
         *
         * @param ring          the ring holding the record
         * @param payloadIndex  index of the payload in {@code ring}
         * @param payloadLength payload bytes
         */
        void accept(StagingRing ring, int payloadIndex, int payloadLength);
    }
}
