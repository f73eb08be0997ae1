package io.mappedjournal;

import java.util.concurrent.ThreadFactory;

/**
 * Makes the one daemon thread that completes a journal's {@link Journal#durableFuture}s, where
 * their callbacks run, and tells whether the caller is such a thread, of any journal: a
 * {@link Journal#close()} called from a callback must not wait for a future thread, neither its own
 * (itself) nor another journal's (whose callback may be closing this journal at the same time).
 *
 * <p>Threading: {@link #newThread} from the executor; {@link #isCurrent()} from any thread.
 */
final class FutureThread implements ThreadFactory {
    private final String name;

    FutureThread(String journalName) {
        this.name = "mapped-journal-futures:" + journalName;
    }

    @Override
    public Thread newThread(Runnable task) {
        final Thread t = new Worker(task, name);
        t.setDaemon(true);
        return t;
    }

    /** Whether the calling thread is a journal's future thread (this journal's or another's). */
    static boolean isCurrent() {
        return Thread.currentThread() instanceof Worker;
    }

    /** The type of every future thread, so that any journal recognises one. */
    private static final class Worker extends Thread {
        Worker(Runnable task, String name) {
            super(task, name);
        }
    }
}
