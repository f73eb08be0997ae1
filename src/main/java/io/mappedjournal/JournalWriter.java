package io.mappedjournal;

import io.mappedjournal.master.JournalState;
import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.WriterCounters;
import net.openhft.chronicle.bytes.BytesStore;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * Appends records through one staging ring. Not thread-safe: one thread at a time (the ring is
 * single-producer). {@link Journal#writer()} gives each thread its own, bound to it; a handle
 * from {@link Journal#openWriter()} may move between threads if the caller hands it over
 * safely, and must be closed.
 *
 * <p>Every append returns at once with a receipt for {@link Journal#awaitDurable} /
 * {@link Journal#durableFuture}, or {@link Journal#DROPPED} under {@link Backpressure#DROP}.
 * The append path takes no lock, writes no shared memory and allocates nothing.
 */
public final class JournalWriter implements AutoCloseable {
    /** BLOCK: yields before a blocked append starts to park. */
    private static final int BLOCK_YIELDS = 10;
    /** BLOCK: the first park; it doubles up to {@link #BLOCK_MAX_PARK_NANOS}. */
    private static final long BLOCK_MIN_PARK_NANOS = 1_000;
    /** BLOCK: the longest a blocked append sleeps between looks at its ring. */
    private static final long BLOCK_MAX_PARK_NANOS = 100_000;
    private final Journal journal;
    private final JournalState state;
    private final StagingRing ring;
    private final WriterCounters counters;
    private final Thread boundThread;
    private final Backpressure backpressure;
    private final long blockTimeoutNanos;
    private final int maxRecordSize;
    private final Claim claim = new Claim();
    /** Total-order mode's shared ticket counter, or null. */
    private final java.util.concurrent.atomic.AtomicLong tickets;
    private boolean closed;

    JournalWriter(Journal journal, StagingRing ring, Thread boundThread) {
        this.journal = journal;
        this.state = journal.state();
        this.ring = ring;
        this.counters = ring.counters();
        this.boundThread = boundThread;
        this.backpressure = journal.config().backpressure;
        this.blockTimeoutNanos = journal.config().blockTimeoutNanos;
        this.maxRecordSize = journal.config().maxRecordSize;
        this.tickets = journal.tickets();
    }

    /**
     * Appends a copy of {@code payload}.
     *
     * @return a receipt for durability waits, or {@link Journal#DROPPED}
     * @throws RecordTooLargeException  if longer than the configured maximum
     * @throws StagingFullException     under FAIL when the ring is full, or BLOCK after the timeout
     * @throws JournalClosedException   if the journal is closed (or the append raced close and lost)
     * @throws JournalFailedException   if the journal failed
     */
    public long append(byte[] payload) {
        return append(payload, 0, payload.length);
    }

    /** Appends {@code length} bytes of {@code src} from {@code offset}. See {@link #append(byte[])}. */
    public long append(byte[] src, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > src.length) {
            throw new IndexOutOfBoundsException("offset=" + offset + " length=" + length + " array=" + src.length);
        }
        final long index = claimIndex(length);
        if (index < 0) {
            return Journal.DROPPED;
        }
        ring.buffer().write(index, src, offset, length);
        return publish(length);
    }

    /**
     * Appends the bytes between {@code src}'s position and limit; the buffer's position is not
     * changed. See {@link #append(byte[])}.
     */
    public long append(ByteBuffer src) {
        final int length = src.remaining();
        final long index = claimIndex(length);
        if (index < 0) {
            return Journal.DROPPED;
        }
        ring.buffer().write(index, src, src.position(), length);
        return publish(length);
    }

    /** Appends {@code length} bytes of a Chronicle store from {@code offset}. See {@link #append(byte[])}. */
    public long append(BytesStore<?, ?> src, long offset, int length) {
        final long index = claimIndex(length);
        if (index < 0) {
            return Journal.DROPPED;
        }
        ring.buffer().write(index, src, offset, length);
        return publish(length);
    }

    /**
     * Zero-copy append: reserves {@code length} bytes in the staging ring; write them through
     * {@link Claim#buffer()} at {@link Claim#offset()}, then {@link Claim#commit()} or
     * {@link Claim#abort()}. One claim at a time per writer; the returned object is reused.
     *
     * @return the claim, or {@code null} if the record was dropped (DROP policy)
     */
    public Claim claim(int length) {
        final long index = claimIndex(length);
        if (index < 0) {
            return null;
        }
        claim.index = index;
        claim.length = length;
        return claim;
    }

    private long claimIndex(int length) {
        if (boundThread != null && Thread.currentThread() != boundThread) {
            throw new IllegalStateException("writer is bound to thread " + boundThread.getName()
                    + ", used from " + Thread.currentThread().getName() + ": use Journal.writer() in each thread");
        }
        if (closed) {
            // Not counters.onRejected(): after close the ring (and its single-writer counters)
            // may belong to another writer, whose concurrent update would be lost.
            journal.countRejectedWithoutRing();
            throw new JournalClosedException("writer is closed: journal=" + state.name());
        }
        if (ring.hasPendingClaim()) {
            throw new IllegalStateException("a claim is open on this writer: commit or abort it first");
        }
        if (state.getVolatile() != JournalState.OPEN) {
            counters.onRejected();
            throw state.notOpen();
        }
        if (length > maxRecordSize || length < 0) {
            counters.onRejected();
            throw new RecordTooLargeException("record too large: length=" + length + " maxRecordSize=" + maxRecordSize);
        }
        final long index = ring.tryClaim(length);
        if (index >= 0) {
            return index;
        }
        return onFull(length);
    }

    private long onFull(int length) {
        switch (backpressure) {
            case DROP:
                counters.onDropped();
                return -1;
            case FAIL:
                counters.onRejected();
                throw new StagingFullException("staging ring full (backpressure FAIL): ring=" + ring.id()
                        + " capacity=" + ring.capacity() + " length=" + length);
            default:
                return blockForSpace(length);
        }
    }

    private long blockForSpace(int length) {
        final long start = System.nanoTime();
        final long deadline = start + blockTimeoutNanos;
        journal.master().wake();
        long parkNanos = BLOCK_MIN_PARK_NANOS;
        int yields = 0;
        while (true) {
            final long index = ring.tryClaim(length);
            if (index >= 0) {
                counters.onBlocked(System.nanoTime() - start);
                return index;
            }
            if (state.getVolatile() != JournalState.OPEN) {
                counters.onBlocked(System.nanoTime() - start);
                counters.onRejected();
                throw state.notOpen();
            }
            final long now = System.nanoTime();
            if (now - deadline >= 0) {
                counters.onBlocked(now - start);
                counters.onRejected();
                throw new StagingFullException("staging ring still full after blockTimeout: timeoutMs="
                        + blockTimeoutNanos / 1_000_000 + " ring=" + ring.id() + " capacity=" + ring.capacity()
                        + " length=" + length);
            }
            if (yields < BLOCK_YIELDS) {
                // A few yields first: the master may be about to drain this ring.
                yields++;
                Thread.yield();
            } else {
                // Then sleep: a blocked producer that keeps yielding competes for the core the
                // master needs to free its space (with more producers than cores, the master got
                // a 1/(producers+1) share of the CPU while they all yielded).
                LockSupport.parkNanos(Math.min(parkNanos, deadline - now));
                parkNanos = Math.min(parkNanos * 2, BLOCK_MAX_PARK_NANOS);
            }
        }
    }

    private long publish(int length) {
        // Volatile store: see StagingRing#commit. Total order takes its ticket right before it.
        final long position = tickets == null ? ring.commit() : ring.commit(tickets.getAndIncrement());
        if (state.getVolatile() != JournalState.OPEN) {
            return publishRacingClose(position, length);
        }
        counters.onAppended(length);
        return Receipts.pack(ring.id(), position);
    }

    /**
     * The journal left OPEN around this append. If the state was still OPEN after our tail store,
     * the master's final drain sees the record; here it was not, so wait for the master to finish
     * and ask it: either the record landed (and is durable: close syncs) or it is refused.
     */
    private long publishRacingClose(long position, int length) {
        try {
            state.awaitTerminal();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (state.getVolatile() == JournalState.CLOSED && ring.drainedPosition() >= position) {
            counters.onAppended(length);
            return Receipts.pack(ring.id(), position);
        }
        counters.onRejected();
        throw state.getVolatile() == JournalState.FAILED ? state.failedException()
                : new JournalClosedException("append raced close and was not written: journal=" + state.name());
    }

    /** Staging ring id (for diagnostics and tests). */
    public int ringId() {
        return ring.id();
    }

    StagingRing ring() {
        return ring;
    }

    /**
     * Releases the staging ring: what was appended is still drained and written, then the ring
     * is reused by another writer. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (ring.hasPendingClaim()) {
            ring.abort();
        }
        closed = true;
        journal.releaseWriter(this);
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * A reserved region in the staging ring, written in place. Reused by its writer: valid until
     * {@link #commit()} or {@link #abort()}.
     */
    public final class Claim {
        private long index;
        private int length;

        private Claim() {
        }

        /** The staging memory to write into, at {@link #offset()} for {@link #length()} bytes. */
        public BytesStore<?, ByteBuffer> buffer() {
            return ring.buffer();
        }

        public long offset() {
            return index;
        }

        public int length() {
            return length;
        }

        /** Publishes the record. @return its receipt. See {@link JournalWriter#append(byte[])} for exceptions. */
        public long commit() {
            if (closed) {
                // close() aborted this claim and released the ring, which may now be another
                // writer's: publishing its tail here would publish that writer's open claim.
                journal.countRejectedWithoutRing();
                throw new JournalClosedException("writer is closed: journal=" + state.name());
            }
            if (!ring.hasPendingClaim()) {
                throw new IllegalStateException("no open claim to commit");
            }
            return publish(length);
        }

        /** Forgets the record: nothing is published, the space is reused; counted as nothing. */
        public void abort() {
            if (closed) {
                return; // close() already aborted it; the ring may be another writer's now
            }
            ring.abort();
        }
    }
}
