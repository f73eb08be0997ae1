package io.mappedjournal.master;

import io.mappedjournal.JournalClosedException;
import io.mappedjournal.JournalFailedException;

/**
 * The journal's lifecycle, shared by writers (who read it on every append) and the master (who
 * changes it). OPEN → CLOSING → CLOSED, or OPEN/CLOSING → FAILED. Written rarely, read often:
 * a volatile field on its own line.
 */
public final class JournalState {
    public static final int OPEN = 0;
    static final int CLOSING = 1;
    public static final int CLOSED = 2;
    public static final int FAILED = 3;

    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7;
    private volatile int state = OPEN;
    private volatile Throwable failure;
    @SuppressWarnings("unused")
    private long q1, q2, q3, q4, q5, q6, q7;
    private final String name;

    public JournalState(String name) {
        this.name = name;
    }

    public int getVolatile() {
        return state;
    }

    public boolean isOpen() {
        return state == OPEN;
    }

    /** The failure that stopped the journal, or null. */
    public Throwable failure() {
        return failure;
    }

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

    /** Waits until the master has finished (CLOSED or FAILED). */
    public synchronized void awaitTerminal() throws InterruptedException {
        while (state != CLOSED && state != FAILED) {
            wait(10);
        }
    }

    /** The exception an operation refused in the current (non-open) state gets. */
    public RuntimeException notOpen() {
        final int s = state;
        if (s == FAILED) {
            return failedException();
        }
        return new JournalClosedException("journal is " + (s == CLOSING ? "closing" : "closed") + ": journal=" + name);
    }

    public JournalFailedException failedException() {
        final Throwable cause = failure;
        return new JournalFailedException("journal failed and accepts nothing more; reopen it to recover: journal="
                + name + " cause=" + cause, cause);
    }

    public String name() {
        return name;
    }
}
