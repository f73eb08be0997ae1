package io.mappedjournal.master;

import io.mappedjournal.JournalClosedException;
import io.mappedjournal.JournalFailedException;

/**
 * Padding before {@link JournalStateValue#state}: 64 bytes, so nothing before the hot field (the
 * previous object in the heap, or this object's header) shares its cache line. Bytes, not longs:
 * since JDK 15 a subclass's fields may fill gaps in its superclass's layout (the 4 bytes after a
 * compressed object header, where the state used to sit at offset 12), and bytes leave no gap.
 */
abstract class JournalStateLhsPadding {
    @SuppressWarnings("unused")
    private byte p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f,
            p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f,
            p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p2a, p2b, p2c, p2d, p2e, p2f,
            p30, p31, p32, p33, p34, p35, p36, p37, p38, p39, p3a, p3b, p3c, p3d, p3e, p3f;
}

/** The hot field, between the two paddings (class-hierarchy padding, as in the Disruptor). */
abstract class JournalStateValue extends JournalStateLhsPadding {
    /** Read on every append (volatile load); written under the monitor (volatile store). */
    volatile int state = JournalState.OPEN;
    /** Written once, before the volatile store of {@link #state} that publishes it (cold). */
    volatile Throwable failure;
}

/** Padding after {@link JournalStateValue#state}: 64 bytes, so nothing after it shares its cache line. */
abstract class JournalStateRhsPadding extends JournalStateValue {
    @SuppressWarnings("unused")
    private byte q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q0a, q0b, q0c, q0d, q0e, q0f,
            q10, q11, q12, q13, q14, q15, q16, q17, q18, q19, q1a, q1b, q1c, q1d, q1e, q1f,
            q20, q21, q22, q23, q24, q25, q26, q27, q28, q29, q2a, q2b, q2c, q2d, q2e, q2f,
            q30, q31, q32, q33, q34, q35, q36, q37, q38, q39, q3a, q3b, q3c, q3d, q3e, q3f;
}

/**
 * The journal's lifecycle, shared by writers (who read it on every append) and the master (who
 * changes it). OPEN → CLOSING → CLOSED, or OPEN/CLOSING → FAILED. Written rarely, read often:
 * a volatile field padded on both sides (the superclasses), so it shares its cache line with no
 * other object's fields. Orderings: every read of the state is a volatile load; every write is a
 * volatile store made under this object's monitor (so transitions are atomic and waiters in
 * {@link #awaitTerminal()} are notified); the failure is stored before the state that publishes it.
 */
public final class JournalState extends JournalStateRhsPadding {
    /** Accepting appends. */
    public static final int OPEN = 0;
    static final int CLOSING = 1;
    /** Closed: the master finished its final pass and clean close. */
    public static final int CLOSED = 2;
    /** Failed: the master stopped on an error; nothing more is accepted. */
    public static final int FAILED = 3;

    private final String name;

    /**
     * Creates the state of a journal, {@link #OPEN}.
     *
     * @param name names the journal in exception messages
     */
    public JournalState(String name) {
        this.name = name;
    }

    /**
     * The current state (a volatile read). Any thread.
     *
     * @return {@link #OPEN}, closing, {@link #CLOSED} or {@link #FAILED}
     */
    public int getVolatile() {
        return state; // volatile load
    }

    /**
     * Whether the journal is open. Any thread.
     *
     * @return true if the state is {@link #OPEN}
     */
    public boolean isOpen() {
        return state == OPEN; // volatile load
    }

    /**
     * The failure that stopped the journal, or null. Any thread.
     *
     * @return the failure, or null if the journal has not failed
     */
    public Throwable failure() {
        return failure; // volatile load
    }

    /**
     * Moves the journal from {@link #OPEN} to closing. The closing thread, before it stops the master.
     *
     * @return true if this call began the close; false if the journal was not open
     */
    public synchronized boolean beginClose() {
        if (state != OPEN) { // volatile load, under the monitor
            return false;
        }
        state = CLOSING; // volatile store
        return true;
    }

    synchronized void closed() {
        if (state != FAILED) { // volatile load, under the monitor
            state = CLOSED; // volatile store
        }
        notifyAll();
    }

    /** Fails the journal; the first failure wins. */
    synchronized void fail(Throwable cause) {
        if (state == FAILED || state == CLOSED) {
            return;
        }
        failure = cause; // written before the volatile state store that publishes it
        state = FAILED; // volatile store
        notifyAll();
    }

    /**
     * Waits until the master has finished (CLOSED or FAILED). Any thread but the master.
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public synchronized void awaitTerminal() throws InterruptedException {
        while (state != CLOSED && state != FAILED) { // volatile loads, under the monitor
            wait(10);
        }
    }

    /**
     * The exception an operation refused in the current (non-open) state gets.
     *
     * @return a new {@link JournalFailedException} if the journal failed, else a new
     *         {@link JournalClosedException}
     */
    public RuntimeException notOpen() {
        final int s = state; // volatile load
        if (s == FAILED) {
            return failedException();
        }
        return new JournalClosedException("journal is " + (s == CLOSING ? "closing" : "closed") + ": journal=" + name);
    }

    /**
     * The exception an operation refused after the journal failed gets.
     *
     * @return a new exception whose cause is {@link #failure()}
     */
    public JournalFailedException failedException() {
        final Throwable cause = failure; // volatile load
        return new JournalFailedException("journal failed and accepts nothing more; reopen it to recover: journal="
                + name + " cause=" + cause, cause);
    }

    /**
     * The journal's name, for messages.
     *
     * @return the name given at construction
     */
    public String name() {
        return name;
    }
}
