package io.mappedjournal;

import io.mappedjournal.segment.FileSyncer;

/**
 * Test access to the journal's package-private seams for tests in other packages (crash, fuzz).
 * The seams are not API: {@link JournalConfig.Builder}'s syncer is for fault injection only.
 */
public final class TestSeams {
    private TestSeams() {
    }

    /** Sets {@code builder}'s msync implementation to {@code syncer} and returns the builder. */
    public static JournalConfig.Builder syncer(JournalConfig.Builder builder, FileSyncer syncer) {
        return builder.syncer(syncer);
    }

    /**
     * Starts a thread that calls {@code journal.flush()}: a waiting caller, so the master itself
     * syncs (and, with a gated syncer, is held there) rather than leaving the policy's sync to the
     * sealer thread. Join it once the gate is open.
     */
    public static Thread startFlusher(Journal journal) {
        final Thread flusher = new Thread(() -> {
            try {
                journal.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-flusher");
        flusher.start();
        return flusher;
    }
}
