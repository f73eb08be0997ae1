package io.mappedjournal;

import io.mappedjournal.master.JournalState;
import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.TicketSource;
import io.mappedjournal.staging.WriterCounters;
import net.openhft.chronicle.bytes.BytesStore;

import java.nio.ByteBuffer;

/**
 * Appends records through one staging ring. Not thread-safe: one thread at a time (the ring is
 * single-producer). {@link Journal#writer()} gives each thread its own, bound to it; a handle
 * from {@link Journal#openWriter()} may move between threads if the caller hands it over
 * safely, and must be closed.
 *
 * <p>Every append returns at once with a receipt for {@link Journal#awaitDurable} /
 * {@link Journal#durableFuture}, or {@link Journal#DROPPED} under {@link Backpressure#DROP}.
 * The append path takes no lock, writes no shared memory and allocates nothing.
 *
 * <h2 id="appending">Appending and durability</h2>
 *
 * <p>Threading: the writer's thread only; lock-free, allocation-free, and under BLOCK an append
 * waits (spinning, then parking) for the master to free space. Durability: a return means the
 * record is <em>staged</em> in this writer's ring, not yet written or durable; wait on the receipt
 * ({@link Journal#awaitDurable}, {@link Journal#durableFuture}) to know it is durable.
 *
 * <p>When the ring is full the {@link Backpressure} decides: DROP drops the record; FAIL throws
 * {@link StagingFullException} at once; BLOCK throws it after the block timeout, or at once if the
 * thread is interrupted while blocked (cause an {@link InterruptedException}; the interrupt flag
 * stays set; nothing is written).
 */
public final class JournalWriter implements AutoCloseable {
    /** What this writer needs from its journal (never the journal itself). */
    private final WriterContext context;
    private final JournalState state;
    private final StagingRing ring;
    private final WriterCounters counters;
    private final Thread boundThread;
    /** What an append does when the ring is full (the {@link Backpressure}). */
    private final FullRing full;
    private final int maxRecordSize;
    private final Claim claim = new Claim();
    /** How a record is published: total order stamps it with a global ticket first. */
    private final TicketSource tickets;
    private boolean closed;

    JournalWriter(WriterContext context, StagingRing ring, Thread boundThread) {
        this.context = context;
        this.state = context.state();
        this.ring = ring;
        this.counters = ring.counters();
        this.boundThread = boundThread;
        this.full = new FullRing(context, ring);
        this.maxRecordSize = context.maxRecordSize();
        this.tickets = context.tickets();
    }

    /**
     * Appends a copy of {@code payload}.
     *
     * <p>Threading and durability: see <a href="#appending">appending and durability</a>.
     *
     * @param payload the record's bytes; the array may be reused once this returns
     * @return a receipt for durability waits (&gt;= 0), or {@link Journal#DROPPED} if the record was dropped
     *         under {@link Backpressure#DROP}
     * @throws NullPointerException    if {@code payload} is null
     * @throws RecordTooLargeException if the record is longer than {@link JournalConfig#maxRecordSize()}
     * @throws StagingFullException    if the ring is full (see <a href="#appending">appending</a>)
     * @throws JournalClosedException  if this writer or the journal is closed (or the append raced close and lost)
     * @throws JournalFailedException  if the journal failed
     * @throws IllegalStateException   if called from a thread other than the one this writer is bound to, or
     *                                 while a {@link Claim} is open on this writer
     */
    public long append(byte[] payload) {
        return append(payload, 0, payload.length);
    }

    /**
     * Appends a copy of {@code length} bytes of {@code src} from {@code offset}.
     *
     * <p>Threading and durability: see <a href="#appending">appending and durability</a>.
     *
     * @param src    the array holding the record
     * @param offset where the record starts in {@code src}
     * @param length the record's length in bytes
     * @return a receipt (&gt;= 0), or {@link Journal#DROPPED} if the record was dropped under {@link Backpressure#DROP}
     * @throws NullPointerException      if {@code src} is null
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not lie within {@code src}
     * @throws RecordTooLargeException if the record is longer than {@link JournalConfig#maxRecordSize()}
     * @throws StagingFullException    if the ring is full (see <a href="#appending">appending</a>)
     * @throws JournalClosedException  if this writer or the journal is closed (or the append raced close and lost)
     * @throws JournalFailedException  if the journal failed
     * @throws IllegalStateException   if called from a thread other than the one this writer is bound to, or
     *                                 while a {@link Claim} is open on this writer
     */
    public long append(byte[] src, int offset, int length) {
        if (offset < 0 || length < 0 || offset > src.length - length) {
            throw new IndexOutOfBoundsException("offset=" + offset + " length=" + length + " array=" + src.length);
        }
        final long index = claimIndex(length);
        if (index < 0) {
            return Journal.DROPPED;
        }
        try {
            ring.buffer().write(index, src, offset, length);
        } catch (RuntimeException | Error e) {
            ring.abort(); // nothing was published: the writer stays usable
            throw e;
        }
        return publish(length);
    }

    /**
     * Appends a copy of the bytes between {@code src}'s position and limit; the buffer's position
     * is not changed.
     *
     * <p>Threading and durability: see <a href="#appending">appending and durability</a>.
     *
     * @param src the buffer holding the record (heap or direct)
     * @return a receipt (&gt;= 0), or {@link Journal#DROPPED} if the record was dropped under {@link Backpressure#DROP}
     * @throws NullPointerException    if {@code src} is null
     * @throws RecordTooLargeException if the record is longer than {@link JournalConfig#maxRecordSize()}
     * @throws StagingFullException    if the ring is full (see <a href="#appending">appending</a>)
     * @throws JournalClosedException  if this writer or the journal is closed (or the append raced close and lost)
     * @throws JournalFailedException  if the journal failed
     * @throws IllegalStateException   if called from a thread other than the one this writer is bound to, or
     *                                 while a {@link Claim} is open on this writer
     */
    public long append(ByteBuffer src) {
        final int length = src.remaining();
        final long index = claimIndex(length);
        if (index < 0) {
            return Journal.DROPPED;
        }
        try {
            ring.buffer().write(index, src, src.position(), length);
        } catch (RuntimeException | Error e) {
            ring.abort(); // nothing was published: the writer stays usable
            throw e;
        }
        return publish(length);
    }

    /**
     * Appends a copy of {@code length} bytes of a Chronicle store from {@code offset}.
     *
     * <p>Threading and durability: see <a href="#appending">appending and durability</a>.
     *
     * @param src    the store holding the record
     * @param offset where the record starts in {@code src}
     * @param length the record's length in bytes
     * @return a receipt (&gt;= 0), or {@link Journal#DROPPED} if the record was dropped under {@link Backpressure#DROP}
     * @throws NullPointerException    if {@code src} is null
     * @throws IndexOutOfBoundsException if {@code [offset, offset + length)} does not lie within the store's
     *                                 {@code [start(), readLimit())}
     * @throws RecordTooLargeException if the record is longer than {@link JournalConfig#maxRecordSize()}
     * @throws StagingFullException    if the ring is full (see <a href="#appending">appending</a>)
     * @throws JournalClosedException  if this writer or the journal is closed (or the append raced close and lost)
     * @throws JournalFailedException  if the journal failed
     * @throws IllegalStateException   if called from a thread other than the one this writer is bound to, or
     *                                 while a {@link Claim} is open on this writer
     */
    public long append(BytesStore<?, ?> src, long offset, int length) {
        // Checked before claiming: Chronicle copies unchecked, so a range past the store's end
        // would journal whatever memory follows it.
        if (length < 0 || offset < src.start() || offset > src.readLimit() - length) {
            throw new IndexOutOfBoundsException("offset=" + offset + " length=" + length + " store=[" + src.start()
                    + ", " + src.readLimit() + ")");
        }
        final long index = claimIndex(length);
        if (index < 0) {
            return Journal.DROPPED;
        }
        try {
            ring.buffer().write(index, src, offset, length);
        } catch (RuntimeException | Error e) {
            ring.abort(); // nothing was published: the writer stays usable
            throw e;
        }
        return publish(length);
    }

    /**
     * Zero-copy append: reserves {@code length} contiguous bytes in the staging ring; write them
     * through {@link Claim#buffer()} at {@link Claim#offset()}, then {@link Claim#commit()} or
     * {@link Claim#abort()}. One claim at a time per writer; the returned object is reused by every
     * claim of this writer.
     *
     * <p>Threading: the writer's thread only; the claim must be written and committed by that thread.
     * Durability: nothing is staged until {@link Claim#commit()}.
     *
     * @param length the record's length in bytes
     * @return the claim, or {@code null} if the record was dropped under {@link Backpressure#DROP}
     * @throws RecordTooLargeException if the record is longer than {@link JournalConfig#maxRecordSize()}
     * @throws StagingFullException    if the ring is full (see <a href="#appending">appending</a>)
     * @throws JournalClosedException  if this writer or the journal is closed (or the append raced close and lost)
     * @throws JournalFailedException  if the journal failed
     * @throws IllegalStateException   if called from a thread other than the one this writer is bound to, or
     *                                 while a {@link Claim} is open on this writer
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
            context.countRejectedWithoutRing();
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
        return full.onFull(length);
    }

    private long publish(int length) {
        // Volatile store: see StagingRing#commit. Total order takes its ticket right before it.
        final long position = tickets.publish(ring);
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
     *
     * <p>The wait ignores interrupts (and restores the flag after): the record is already in the
     * ring, so until the master has finished nobody knows whether its final drain takes it, and an
     * answer given earlier could be "not written" about a record the journal then holds. The wait
     * is bounded by close's final pass.
     */
    private long publishRacingClose(long position, int length) {
        awaitTerminalUninterruptibly();
        if (state.getVolatile() == JournalState.CLOSED && ring.drainedPosition() >= position) {
            counters.onAppended(length);
            return Receipts.pack(ring.id(), position);
        }
        counters.onRejected();
        throw state.getVolatile() == JournalState.FAILED ? state.failedException()
                : new JournalClosedException("append raced close and was not written: journal=" + state.name());
    }

    private void awaitTerminalUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                state.awaitTerminal();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the throw cleared the flag: the next wait really waits
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The id of this writer's staging ring, for diagnostics and tests (rings are reused: two
     * writers that did not live at the same time may show the same id).
     *
     * <p>Threading: any thread.
     *
     * @return the staging ring id, &gt;= 0
     */
    public int ringId() {
        return ring.id();
    }

    StagingRing ring() {
        return ring;
    }

    /**
     * Releases the staging ring: what was appended is still drained, written and synced as usual,
     * then the ring is reused by another writer. An open claim is aborted. Idempotent; later appends
     * throw {@link JournalClosedException}.
     *
     * <p>Threading: the writer's thread (or, for a handle from {@link Journal#openWriter()}, the one
     * thread using it). A writer from {@link Journal#writer()} whose thread died may be closed from
     * any thread: that only marks it closed (the death released its ring). Durability: closing a
     * writer neither waits for nor forces a sync.
     *
     * @throws IllegalStateException if called from a thread other than the live thread this writer is bound to
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (boundThread != null && Thread.currentThread() != boundThread) {
            if (boundThread.isAlive()) {
                throw new IllegalStateException("writer is bound to thread " + boundThread.getName()
                        + ", closed from " + Thread.currentThread().getName() + ": close it from its own thread");
            }
            // Its thread died, which released the ring: the master may have reclaimed it and handed
            // it to another writer, whose claim and release flag are not ours to touch.
            closed = true;
            return;
        }
        if (ring.hasPendingClaim()) {
            ring.abort();
        }
        closed = true;
        context.release(this);
    }

    /**
     * Whether {@link #close()} was called on this writer.
     *
     * <p>Threading: the writer's thread (a plain read).
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * A reserved region in the staging ring, written in place. Reused by its writer: valid until
     * {@link #commit()} or {@link #abort()}. Not thread-safe: the writer's thread only.
     */
    public final class Claim {
        private long index;
        private int length;

        private Claim() {
        }

        /**
         * The staging memory to write the record into, at {@link #offset()} for {@link #length()}
         * bytes. Writing outside that range corrupts other records.
         *
         * <p>Threading: the writer's thread only.
         *
         * @return the ring's memory (the same object for every claim of this writer)
         */
        public BytesStore<?, ByteBuffer> buffer() {
            return ring.buffer();
        }

        /**
         * Where the record's bytes go in {@link #buffer()}.
         *
         * <p>Threading: the writer's thread only.
         *
         * @return the byte offset of the reserved region
         */
        public long offset() {
            return index;
        }

        /**
         * The number of bytes reserved, as requested from {@link JournalWriter#claim(int)}.
         *
         * <p>Threading: the writer's thread only.
         *
         * @return the record's length in bytes
         */
        public int length() {
            return length;
        }

        /**
         * Publishes the record written into the claim.
         *
         * <p>Threading: the writer's thread only. Durability: as for
         * {@link JournalWriter#append(byte[])}: a return means the record is staged, not yet durable.
         *
         * @return the record's receipt (&gt;= 0)
         * @throws JournalClosedException if this writer was closed (its claim was aborted), or the journal
         *                                closed and this record raced close and lost
         * @throws JournalFailedException if the journal failed around this commit: the record is not known
         *                                to be durable (the master may have copied it before failing, so
         *                                reopening may or may not find it)
         * @throws IllegalStateException  if there is no open claim (already committed or aborted)
         */
        public long commit() {
            if (closed) {
                // close() aborted this claim and released the ring, which may now be another
                // writer's: publishing its tail here would publish that writer's open claim.
                context.countRejectedWithoutRing();
                throw new JournalClosedException("writer is closed: journal=" + state.name());
            }
            if (!ring.hasPendingClaim()) {
                throw new IllegalStateException("no open claim to commit");
            }
            return publish(length);
        }

        /**
         * Forgets the record: nothing is published and the space is reused; the attempt is counted
         * as nothing. Does nothing if the writer was closed meanwhile.
         *
         * <p>Threading: the writer's thread only.
         */
        public void abort() {
            if (closed) {
                return; // close() already aborted it; the ring may be another writer's now
            }
            ring.abort();
        }
    }
}
