package io.mappedjournal.crash;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalFailedException;
import io.mappedjournal.fileio.DurableFiles;
import io.mappedjournal.fileio.FileOps;
import io.mappedjournal.policy.SyncPolicy;

import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Found by review: README "A failed sync is never retried: the journal fails, every waiter gets
 * JournalFailedException with the cause, appends fail fast". Retention runs its manifest write and
 * directory fsync on the caller's thread; a failure there is only thrown to the caller, the journal
 * stays open, and the next manifest write (checkpoint, roll, close) goes to the same slot again and
 * its fsync is reported as success.
 */
class RetentionSyncFailureTest {
    @TempDir
    Path dir;

    /** Fails the fsync of a manifest slot (or of the directory) while armed: EIO. */
    static final class FailingSync implements FileOps {
        volatile boolean manifestArmed;
        volatile boolean directoryArmed;

        @Override
        public void force(FileChannel channel, Path file) throws IOException {
            if (manifestArmed && file.getFileName().toString().startsWith("manifest.")) {
                manifestArmed = false; // one failure: a retry (fsyncgate) would now "succeed"
                throw new IOException("Input/output error (EIO, injected) in fsync of " + file);
            }
            FileOps.REAL.force(channel, file);
        }

        @Override
        public void fsyncDirectory(Path d) throws IOException {
            if (directoryArmed) {
                directoryArmed = false;
                throw new IOException("Input/output error (EIO, injected) in fsync of directory " + d);
            }
            FileOps.REAL.fsyncDirectory(d);
        }
    }

    private Journal openWithSealedSegments() throws Exception {
        final Journal j = Journal.open(JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(4096)
                .syncPolicy(SyncPolicy.always()).build());
        long last = -1;
        for (int i = 0; i < 100; i++) {
            last = j.append(new byte[2000]); // ~3 segments of 64 KiB
        }
        assertTrue(j.awaitDurable(last, 30, TimeUnit.SECONDS));
        assertTrue(j.metrics().toString().length() > 0);
        return j;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"manifest", "directory"})
    void aFailedFsyncInRetentionFailsTheJournal(String what) throws Exception {
        final FailingSync fault = new FailingSync();
        final FileOps previous = DurableFiles.useFileOps(fault);
        try {
            final Journal j = openWithSealedSegments();
            try {
                if (what.equals("manifest")) {
                    fault.manifestArmed = true;
                } else {
                    fault.directoryArmed = true;
                }
                assertThrows(IOException.class, () -> j.deleteSegmentsBefore(j.durableSequence()),
                        "the injected fsync failure of the " + what + " must reach the caller");
                assertFalse(fault.manifestArmed || fault.directoryArmed, "the fault fired");
                // the journal must now be failed: no more appends, no acknowledgement after a failed sync
                assertThrows(JournalFailedException.class, () -> {
                    final long r = j.append(new byte[10]);
                    j.awaitDurable(r, 10, TimeUnit.SECONDS);
                }, "after a failed fsync of the " + what + " the journal must fail (README: a failed sync is never"
                        + " retried: the journal fails); it stayed open: isOpen=" + j.isOpen());
            } finally {
                try {
                    j.close();
                } catch (IOException ignored) {
                    // a failed journal's close says so
                }
            }
        } finally {
            DurableFiles.useFileOps(previous);
        }
    }
}
