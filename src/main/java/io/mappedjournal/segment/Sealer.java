package io.mappedjournal.segment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The segment log's one background thread ({@code mapped-journal-sealer:<dir>}): runs a roll's
 * final sync of the sealed segment ({@link SegmentRoller}) and the policy's group-commit syncs
 * ({@link BackgroundSync}), one at a time, in submission order (a seal, then the syncs after it).
 * The thread ends after a second without work, so an idle journal holds none.
 *
 * <p>Invariant: a task's failure reaches the master only through {@link #join}, as the
 * {@link IOException} the task threw; it is never swallowed nor retried here.
 *
 * <p>Threads: the master submits and joins; the tasks run on the sealer thread; {@link #close()}
 * runs on the closing thread. Ordering: {@link CompletableFuture#join()} (and a true
 * {@link CompletableFuture#isDone()}) happens-after everything the task did, so the master reads
 * a finished sync's effects without further fences.
 */
final class Sealer {
    /** A sync to run on the sealer thread. */
    @FunctionalInterface
    interface Task {
        /**
         * Runs on the sealer thread.
         *
         * @throws IOException reported to the master by {@link #join}
         */
        void run() throws IOException;
    }

    private final ExecutorService executor;

    /**
     * Creates the executor; no thread starts before the first task.
     *
     * @param dir the journal directory (names the thread)
     */
    Sealer(Path dir) {
        this.executor = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            final Thread t = new Thread(r, "mapped-journal-sealer:" + dir.getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Queues {@code task} behind the tasks already submitted. Master thread only.
     *
     * @param task the sync to run
     * @return completes when the task ended; exceptionally with its {@link IOException}
     */
    CompletableFuture<Void> submit(Task task) {
        return CompletableFuture.runAsync(() -> {
            try {
                task.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, executor);
    }

    /**
     * Waits for a submitted task and rethrows its failure: the task's {@link IOException} as is,
     * anything else wrapped with {@code failedPrefix} ({@code "background sync failed: "}, ...).
     * Master thread only. Happens-after everything the task did.
     *
     * @param done         what {@link #submit} returned
     * @param failedPrefix message prefix for a failure that is not an {@link IOException}
     * @throws IOException if the task failed
     */
    static void join(CompletableFuture<Void> done, String failedPrefix) throws IOException {
        try {
            done.join();
        } catch (CompletionException e) {
            final Throwable cause = e.getCause();
            throw cause instanceof UncheckedIOException ? ((UncheckedIOException) cause).getCause()
                    : new IOException(failedPrefix + cause, cause);
        }
    }

    /** Lets queued tasks finish (a seal task unmaps its segment) and stops the thread: waits up to a minute. */
    void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(1, TimeUnit.MINUTES); // the seal job unmaps its segment
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
