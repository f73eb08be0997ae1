package io.mappedjournal;

import java.util.concurrent.ThreadFactory;

/**
 * Makes the one daemon thread that completes a journal's {@link Journal#durableFuture}s, where
 * their callbacks run, and tells whether the caller is that thread: a {@link Journal#close()}
 * called from a callback must not wait for the thread it runs on.
 *
 * <p>Threading: {@link #newThread} from the executor; {@link #isCurrent()} from any thread.
 */
final class FutureThread implements ThreadFactory {
    private final String name;
    /** The thread made last (a single-thread executor makes another only if one died). Volatile. */
    private volatile Thread thread;

    FutureThread(String journalName) {
        this.name = "mapped-journal-futures:" + journalName;
    }

    @Override
    public Thread newThread(Runnable task) {
        final Thread t = new Thread(task, name);
        t.setDaemon(true);
        thread = t; // volatile store
        return t;
    }

    /** Whether the calling thread is this journal's future thread. */
    boolean isCurrent() {
        return Thread.currentThread() == thread; // volatile load
    }
}
