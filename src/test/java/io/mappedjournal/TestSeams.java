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
}
