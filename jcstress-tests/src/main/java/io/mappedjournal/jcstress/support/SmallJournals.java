package io.mappedjournal.jcstress.support;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.policy.SyncPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The small journals the file-backed tests open per jcstress state: 64 KiB segments, 64-byte
 * records, 4 KiB staging rings, no sync (the tests verify hand-offs between threads, not the disk).
 */
public final class SmallJournals {
    private SmallJournals() {
    }

    /** The common configuration, for a test to add its own settings to. */
    public static JournalConfig.Builder config(Path dir, int maxWriters) {
        return JournalConfig.builder(dir).segmentSize(65536).maxRecordSize(64).stagingBufferSize(4096)
                .maxWriters(maxWriters).syncPolicy(SyncPolicy.none());
    }

    /** Opens the journal; jcstress state constructors cannot throw checked exceptions. */
    public static Journal open(JournalConfig.Builder config) {
        try {
            return Journal.open(config.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
