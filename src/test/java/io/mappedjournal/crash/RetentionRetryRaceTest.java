package io.mappedjournal.crash;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.fileio.DurableFiles;
import io.mappedjournal.fileio.FileOps;
import io.mappedjournal.master.Master;
import io.mappedjournal.policy.SyncPolicy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Found by review: retention's failed manifest fsync now fails the journal through
 * {@code Master.failFromAnotherThread}, but the master notices only at the start of its next pass.
 * A master pass already under way (here: a checkpoint after a sync, waiting for the log's monitor
 * that retention holds while its fsync fails) then writes the manifest to the same slot again and
 * fsyncs it: the failed sync is retried and its success believed, which the fix was meant to stop
 * (README: "A failed sync is never retried").
 */
class RetentionRetryRaceTest {
    @TempDir
    Path dir;

    /** Fails the first armed fsync of a manifest slot; records every manifest fsync after it. */
    static final class Fault implements FileOps {
        volatile boolean armed;
        volatile Runnable beforeFailing = () -> { };
        volatile String failedSlot;
        final List<String> after = new CopyOnWriteArrayList<>();

        @Override
        public void force(FileChannel channel, Path file) throws IOException {
            final String name = file.getFileName().toString();
            if (name.startsWith("manifest.")) {
                if (armed) {
                    armed = false;
                    beforeFailing.run();
                    failedSlot = name;
                    throw new IOException("Input/output error (EIO, injected) in fsync of " + file);
                }
                if (failedSlot != null) {
                    after.add(name + " by " + Thread.currentThread().getName());
                }
            }
            FileOps.REAL.force(channel, file);
        }
    }

    private static Thread masterThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(Master.THREAD_NAME_PREFIX)) {
                return t;
            }
        }
        throw new AssertionError("no master thread");
    }

    @Test
    void aMasterPassUnderWayDoesNotRetryTheManifestFsyncRetentionFailed() throws Exception {
        final Fault fault = new Fault();
        final FileOps previous = DurableFiles.useFileOps(fault);
        try {
            final Journal j = Journal.open(JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(4096)
                    .checkpointBytes(1).syncPolicy(SyncPolicy.always()).build());
            try {
                long last = -1;
                for (int i = 0; i < 100; i++) {
                    last = j.append(new byte[2000]); // ~3 segments of 64 KiB
                }
                assertTrue(j.awaitDurable(last, 30, TimeUnit.SECONDS));
                final Thread master = masterThread();
                fault.beforeFailing = () -> {
                    // Retention holds the log's monitor here. A record arrives; the master syncs it
                    // and its checkpoint waits for the monitor.
                    final Thread producer = new Thread(() -> j.append(new byte[100]), "producer");
                    producer.start();
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (master.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    assertEquals(Thread.State.BLOCKED, master.getState(), "precondition: the master waits for the monitor");
                };
                fault.armed = true;
                assertThrows(IOException.class, () -> j.deleteSegmentsBefore(j.durableSequence()));
                assertFalse(j.isOpen(), "precondition: the journal failed");
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (j.failure() != null && master.isAlive() && System.nanoTime() < deadline
                        && fault.after.isEmpty()) {
                    Thread.sleep(5);
                }
                Thread.sleep(200);
                assertEquals(List.of(), fault.after, "after the fsync of " + fault.failedSlot + " failed (journal "
                        + "failure: " + j.failure() + "), the manifest was written and fsynced again");
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
