package io.mappedjournal.master;

import io.mappedjournal.JournalClosedException;
import io.mappedjournal.JournalFailedException;

/**
 * The journal's lifecycle, shared by writers (who read it on every append) and the master (who
 * changes it). OPEN → CLOSING → CLOSED, or OPEN/CLOSING → FAILED. Written rarely, read often:
 * a volatile field on its own line.
 */
public final class JournalState {
    /** Accepting appends. */
    public static final int OPEN = 0;
    static final int CLOSING = 1;
    /** Closed: the master finished its final pass and clean close. */
    public static final int CLOSED = 2;
    /** Failed: the master stopped on an error; nothing more is accepted. */
    public static final int FAILED = 3;

    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7;
    private volatile int state = OPEN;
    private volatile Throwable failure;
    @SuppressWarnings("unused")
    private long q1, q2, q3, q4, q5, q6, q7;
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
        return state;
    }

    /**
     * Whether the journal is open. Any thread.
     *
     * @return true if the state is {@link #OPEN}
     */
    public boolean isOpen() {
        return state == OPEN;
    }

    /**
     * The failure that stopped the journal, or null. Any thread.
     *
     * @return the failure, or null if the journal has not failed
     */
    public Throwable failure() {
        return failure;
    }

    /**
     * Moves the journal from {@link #OPEN} to closing. The closing thread, before it stops the master.
     *
     * @return true if this call began the close; false if the journal was not open
     */
    public synchronized boolean beginClose() {
        if (state != OPEN) {
            return false;
        }
        state = CLOSING;
        return true;
    }

    synchronized void closed() {
        if (state != FAILED) {
            state = CLOSED;
        }
        notifyAll();
    }

    /** Fails the journal; the first failure wins. */
    synchronized void fail(Throwable cause) {
        if (state == FAILED || state == CLOSED) {
            return;
        }
        failure = cause; // written before the volatile state store that publishes it
        state = FAILED;
        notifyAll();
    }

    /**
     * Waits until the master has finished (CLOSED or FAILED). Any thread but the master.
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public synchronized void awaitTerminal() throws InterruptedException {
        while (state != CLOSED && state != FAILED) {
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
        final int s = state;
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
        final Throwable cause = failure;
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
