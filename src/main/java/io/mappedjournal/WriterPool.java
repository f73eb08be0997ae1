package io.mappedjournal;

import io.mappedjournal.master.JournalState;
import io.mappedjournal.master.Master;
import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.TicketSource;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The journal's writers: one per thread ({@link #writer()}) or explicit ({@link #openWriter()}),
 * each with a staging ring taken from the {@link StagingPool} under the configured
 * {@link Backpressure} when every ring is taken; the {@link WriterContext} every writer is given.
 * Counts the refusals and drops that happen with no ring to count them in.
 *
 * <p>Threading: any thread.
 */
final class WriterPool implements WriterContext {
    private final JournalConfig config;
    private final Path dir;
    private final JournalState state;
    private final StagingPool pool;
    private final Master master;
    /** How appends publish: with a global ticket in total order (see {@link io.mappedjournal.policy.Ordering}). */
    private final TicketSource tickets;
    private final ThreadLocal<JournalWriter> threadWriters = new ThreadLocal<>();
    private final AtomicLong poolDropped = new AtomicLong();
    private final AtomicLong poolRejected = new AtomicLong();

    WriterPool(JournalConfig config, Path dir, JournalState state, StagingPool pool, Master master,
               TicketSource tickets) {
        this.config = config;
        this.dir = dir;
        this.state = state;
        this.pool = pool;
        this.master = master;
        this.tickets = tickets;
    }

    /** See {@link Journal#writer()}. */
    JournalWriter writer() {
        final JournalWriter w = threadWriters.get();
        if (w != null && !w.isClosed()) {
            return w;
        }
        final JournalWriter created = newWriter(Thread.currentThread());
        if (created != null) {
            threadWriters.set(created);
        }
        return created;
    }

    /** See {@link Journal#openWriter()}. */
    JournalWriter openWriter() {
        return newWriter(null);
    }

    private JournalWriter newWriter(Thread owner) {
        if (!state.isOpen()) {
            poolRejected.incrementAndGet();
            throw state.notOpen();
        }
        final long timeout = config.backpressure == Backpressure.BLOCK ? config.blockTimeoutNanos : 0;
        final StagingRing ring;
        try {
            ring = pool.acquire(owner, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            poolRejected.incrementAndGet();
            throw new StagingFullException("interrupted while waiting for a staging ring: journal=" + dir, e);
        }
        if (ring == null) {
            if (config.backpressure == Backpressure.DROP) {
                poolDropped.incrementAndGet();
                return null;
            }
            poolRejected.incrementAndGet();
            throw new StagingFullException("all staging rings are in use: maxWriters=" + config.maxWriters
                    + " backpressure=" + config.backpressure + " journal=" + dir);
        }
        return new JournalWriter(this, ring, owner);
    }

    /** Writers not created under DROP because every ring was taken. */
    long dropped() {
        return poolDropped.get();
    }

    /** Writers refused (and appends of closed writers) with no ring of their own to count them. */
    long rejected() {
        return poolRejected.get();
    }

    // ------------------------------------------------------------------ WriterContext

    @Override
    public JournalState state() {
        return state;
    }

    @Override
    public Backpressure backpressure() {
        return config.backpressure;
    }

    @Override
    public long blockTimeoutNanos() {
        return config.blockTimeoutNanos;
    }

    @Override
    public int maxRecordSize() {
        return config.maxRecordSize;
    }

    @Override
    public TicketSource tickets() {
        return tickets;
    }

    @Override
    public void wakeMaster() {
        master.wake();
    }

    @Override
    public void countRejectedWithoutRing() {
        poolRejected.incrementAndGet();
    }

    @Override
    public void release(JournalWriter writer) {
        if (threadWriters.get() == writer) {
            threadWriters.remove();
        }
        pool.release(writer.ring());
    }
}
