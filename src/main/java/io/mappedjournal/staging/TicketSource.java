package io.mappedjournal.staging;

import io.mappedjournal.policy.Ordering;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How an append publishes its claimed record: the {@link Ordering} policy on the writer's side,
 * chosen once when the journal opens ({@link #of}) and shared by every writer and the master.
 * <ul>
 *   <li>{@link #NONE} (per-producer order): the record is published as it is, no shared write;</li>
 *   <li>{@link SharedCounter} (total order): the record is stamped with the next global ticket,
 *       taken from one shared counter right before the publish; the master writes records in
 *       ticket order.</li>
 * </ul>
 */
public sealed interface TicketSource permits TicketSource.None, TicketSource.SharedCounter {
    /** Per-producer order: no tickets. */
    TicketSource NONE = new None();

    /**
     * The ticket source for {@code ordering}: a new shared counter for {@link Ordering#TOTAL},
     * else {@link #NONE}.
     *
     * @param ordering the journal's ordering
     * @return the source every writer and the master of one journal share
     */
    static TicketSource of(Ordering ordering) {
        return ordering == Ordering.TOTAL ? new SharedCounter() : NONE;
    }

    /**
     * The ordering this source implements.
     *
     * @return {@link Ordering#TOTAL} if records carry tickets, else {@link Ordering#PER_PRODUCER}
     */
    Ordering ordering();

    /**
     * Publishes the record claimed on {@code ring} (a volatile store of its tail, see
     * {@link StagingRing#commit()}), with a ticket if this source issues them. Owner thread of
     * the ring only; allocation-free.
     *
     * @param ring the ring holding the claim
     * @return the ring position just past the record (the receipt position)
     */
    long publish(StagingRing ring);

    /**
     * Tickets taken so far (a volatile read): every append that returned before this call holds a
     * ticket below it. 0 for {@link #NONE}. Any thread.
     *
     * @return the next ticket to be taken
     */
    long issued();

    /** Per-producer order: records carry no ticket; nothing shared is written on publish. */
    final class None implements TicketSource {
        private None() {
        }

        @Override
        public Ordering ordering() {
            return Ordering.PER_PRODUCER;
        }

        @Override
        public long publish(StagingRing ring) {
            return ring.commit(); // volatile tail store
        }

        @Override
        public long issued() {
            return 0;
        }
    }

    /**
     * Total order: one counter shared by every writer. Tickets are dense (0, 1, 2, ...), which is
     * what lets the master's ticket-order drain take exactly the next one.
     */
    final class SharedCounter implements TicketSource {
        private final AtomicLong next = new AtomicLong();

        /** A counter whose first ticket is 0. */
        public SharedCounter() {
        }

        @Override
        public Ordering ordering() {
            return Ordering.TOTAL;
        }

        /**
         * Takes the next ticket and publishes the record with it. If anything throws in between
         * (a stack overflow at the call, say), the ticket is published as a void record: a ticket
         * taken and never published would stop the master's drain, and every later append of every
         * writer, until close (issue 11, suspected 8).
         */
        @Override
        public long publish(StagingRing ring) {
            final long ticket = take();
            boolean published = false;
            try {
                // Ticket into the record's header (plain), then the tail: volatile store.
                final long position = ring.commit(ticket);
                published = true;
                return position;
            } finally {
                if (!published) {
                    ring.publishVoid(ticket);
                }
            }
        }

        /**
         * Takes the next ticket (an atomic increment, a full fence): what {@link #publish} does
         * first; tests call it alone to interleave the steps by hand. Any thread.
         *
         * @return the ticket
         */
        public long take() {
            return next.getAndIncrement();
        }

        @Override
        public long issued() {
            return next.get(); // volatile read
        }
    }
}
