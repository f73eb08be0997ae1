package io.mappedjournal.crash;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalFailedException;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.TestSeams;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.MsyncSyncer;
import net.openhft.posix.PosixAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A failed sync (injected through the {@link FileSyncer} seam) fails the journal: every waiter
 * of that commit and later gets {@link JournalFailedException} with the cause, appends fail
 * fast, the sync is never retried, nothing is acknowledged afterwards, and reopening recovers
 * every record that was acknowledged.
 */
class SyncFailureTest {
    @TempDir
    Path dir;

    /** Fails the {@code failAt}-th sync of frames (1-based; segment header syncs are not counted) and counts every call. */
    static class FailingSyncer implements FileSyncer {
        final FileSyncer real = new MsyncSyncer(PosixAPI.posix());
        final AtomicInteger calls = new AtomicInteger();
        final int failAt;
        volatile boolean failed;
        final AtomicInteger callsAfterFailure = new AtomicInteger();

        FailingSyncer(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public void sync(io.mappedjournal.segment.Segment segment, long from, long to) throws IOException {
            if (failed) {
                callsAfterFailure.incrementAndGet();
            }
            if (to > io.mappedjournal.format.SegmentHeaderDescriptor.HEADER_LENGTH && calls.incrementAndGet() == failAt) {
                failed = true;
                throw new IOException("injected EIO: msync failed on " + segment.path());
            }
            real.sync(segment, from, to);
        }
    }

    static byte[] payload(int t, long n) {
        final byte[] b = ("t=" + t + " n=" + n + " ").getBytes(StandardCharsets.US_ASCII);
        final byte[] p = new byte[64];
        System.arraycopy(b, 0, p, 0, b.length);
        for (int i = b.length; i < p.length; i++) {
            p[i] = (byte) ((t * 31 + n * 17 + i) & 0x7f);
        }
        return p;
    }

    @Test
    void aFailedSyncFailsTheJournalAndNothingIsAcknowledgedAfterIt() throws Exception {
        final FailingSyncer syncer = new FailingSyncer(40);
        final int threads = 4;
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        final List<Throwable> waiterFailures = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicLong ackedAfterFailure = new AtomicLong();
        final long[] appended = new long[threads];
        final Journal j = Journal.open(TestSeams.syncer(JournalConfig.builder(dir).syncPolicy(SyncPolicy.always()), syncer)
                .segmentSize(1 << 20).build());
        final CountDownLatch done = new CountDownLatch(threads);
        final AtomicBoolean stop = new AtomicBoolean();
        for (int t = 0; t < threads; t++) {
            final int id = t;
            new Thread(() -> {
                try {
                    for (long n = 0; !stop.get(); n++) {
                        final long r;
                        try {
                            r = j.append(payload(id, n));
                        } catch (JournalFailedException e) {
                            waiterFailures.add(e);
                            return; // appends fail fast after the failure
                        }
                        appended[id] = n + 1;
                        try {
                            assertTrue(j.awaitDurable(r, 30, TimeUnit.SECONDS));
                            if (syncer.failed) {
                                // acknowledged after the failed sync: only allowed if this record
                                // was made durable by an earlier, successful sync
                                ackedAfterFailure.incrementAndGet();
                            }
                            acked.add(id + ":" + n);
                        } catch (JournalFailedException e) {
                            waiterFailures.add(e);
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "producer-" + t).start();
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "every producer must be released by the failure");
        stop.set(true);
        assertFalse(j.isOpen());
        assertTrue(syncer.failed);
        assertEquals(threads, waiterFailures.size(), "each producer sees the failure: " + waiterFailures);
        for (Throwable f : waiterFailures) {
            assertInstanceOf(JournalFailedException.class, f);
            assertTrue(f.getCause() instanceof IOException && f.getCause().getMessage().contains("injected EIO"),
                    "the cause is the sync's own error: " + f.getCause());
        }
        // later calls fail fast with the same cause
        final JournalFailedException later = assertThrows(JournalFailedException.class, () -> j.append(payload(9, 0)));
        assertTrue(later.getCause().getMessage().contains("injected EIO"));
        assertThrows(JournalFailedException.class, () -> j.flush(1, TimeUnit.SECONDS));
        final long durableAtFailure = j.durableSequence();
        assertTrue(j.failure().getMessage().contains("injected EIO"));
        j.close(); // releases resources; the failure happened before close, so close does not throw
        // Counted over the journal's whole life: closed, its threads are gone, so no sync or
        // publication can come later than this.
        assertEquals(durableAtFailure, j.durableSequence(), "nothing becomes durable after the failure");
        assertEquals(0, syncer.callsAfterFailure.get(), "the failed sync is never retried, not even by close");
        // a future for an unacknowledged record completes exceptionally
        // reopen: recovery runs; every acknowledged record is there, byte-exact, each producer's in order
        try (Journal reopened = Journal.open(JournalConfig.builder(dir).segmentSize(1 << 20).build());
             JournalReader reader = reopened.reader(0)) {
            final long[] next = new long[threads];
            for (JournalRecord rec; (rec = reader.next()) != null; ) {
                final String head = new String(rec.payload(), 0, 24, StandardCharsets.US_ASCII);
                final int t = Integer.parseInt(head.substring(2, head.indexOf(' ')));
                assertArrayEquals(payload(t, next[t]), rec.payload(), "record " + rec.sequence());
                next[t]++;
            }
            for (String a : acked) {
                final int t = Integer.parseInt(a.substring(0, a.indexOf(':')));
                final long n = Long.parseLong(a.substring(a.indexOf(':') + 1));
                assertTrue(n < next[t], "acknowledged record " + a + " lost (recovered " + next[t] + ")");
            }
            for (int t = 0; t < threads; t++) {
                assertTrue(next[t] <= appended[t]);
            }
        }
        System.out.printf("sync failure: %d records acknowledged before the failed sync, %d after it (made durable"
                + " earlier), all recovered%n", acked.size(), ackedAfterFailure.get());
    }

    @Test
    void aFailedBackgroundPolicySyncFailsTheJournalAndNothingBecomesDurable() throws Exception {
        // No caller waits: every sync is the policy's own, run on the sealer thread while the
        // master keeps draining. The first of them fails.
        final FailingSyncer syncer = new FailingSyncer(1);
        final Journal j = Journal.open(TestSeams.syncer(JournalConfig.builder(dir)
                .syncPolicy(SyncPolicy.batch(java.time.Duration.ofMillis(1), Long.MAX_VALUE)), syncer).build());
        long last = -1;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            for (long n = 0; j.isOpen() && System.nanoTime() < deadline; n++) {
                last = j.append(payload(0, n));
                if (n % 1000 == 999) {
                    Thread.sleep(1);
                }
            }
        } catch (JournalFailedException e) {
            assertTrue(e.getCause().getMessage().contains("injected EIO"), "the sync's own error: " + e.getCause());
        }
        assertTrue(syncer.failed, "the policy's first sync failed");
        assertFalse(j.isOpen(), "a failed background sync fails the journal");
        assertEquals(0, j.durableSequence(), "nothing was ever durable: the only sync failed");
        final long receipt = last;
        final JournalFailedException waited = assertThrows(JournalFailedException.class,
                () -> j.awaitDurable(receipt, 1, TimeUnit.SECONDS));
        assertTrue(waited.getCause().getMessage().contains("injected EIO"));
        j.close();
        assertEquals(0, j.durableSequence(), "nothing became durable, not even at close");
        assertEquals(0, syncer.callsAfterFailure.get(), "the failed sync is never retried, over the journal's whole life");
    }

    @Test
    void aFutureWaitingAtTheFailureCompletesExceptionally() throws Exception {
        final FailingSyncer syncer = new FailingSyncer(1);
        try (Journal j = Journal.open(TestSeams.syncer(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()), syncer).build())) {
            final List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                try {
                    futures.add(j.durableFuture(j.append(payload(0, i))));
                } catch (JournalFailedException e) {
                    // the policy's first sync (and failure) may come before the tenth append
                    assertTrue(e.getCause().getMessage().contains("injected EIO"), "the sync's own error: " + e);
                    break;
                }
            }
            assertFalse(futures.isEmpty(), "the first append precedes any sync");
            for (CompletableFuture<Void> f : futures) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertInstanceOf(JournalFailedException.class, e.getCause());
                    assertTrue(e.getCause().getCause().getMessage().contains("injected EIO"));
                }
            }
            assertTrue(syncer.failed, "the first sync of frames failed");
            for (CompletableFuture<Void> f : futures) {
                assertTrue(f.isCompletedExceptionally(), "nothing was acknowledged");
            }
            assertThrows(JournalFailedException.class, () -> j.append(payload(0, 99)));
        }
        assertEquals(0, syncer.callsAfterFailure.get(), "the failed sync is never retried, not even by close");
    }

    @Test
    void aFailedFinalSyncMakesCloseThrow() throws Exception {
        final FailingSyncer syncer = new FailingSyncer(Integer.MAX_VALUE) {
            @Override
            public void sync(io.mappedjournal.segment.Segment segment, long from, long to) throws IOException {
                if (closing) {
                    throw new IOException("injected EIO at close");
                }
                super.sync(segment, from, to);
            }
        };
        final Journal j = Journal.open(TestSeams.syncer(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()), syncer).build());
        j.append(payload(0, 0));
        closing = true;
        final IOException e = assertThrows(IOException.class, j::close);
        assertTrue(e.getMessage().contains("not known to be durable") || e.getMessage().contains("durable"), e.getMessage());
        assertTrue(e.getCause().getMessage().contains("injected EIO at close"));
        closing = false;
        try (Journal reopened = Journal.open(dir)) {
            assertTrue(reopened.recoveryReport().nextSequence() <= 1);
        }
    }

    /**
     * Issue 11, suspected 7 ("fsyncgate"): msync fails and the kernel keeps the unwritten bytes as
     * clean cached pages (modelled by a binding whose msync fails without touching the mapping:
     * the bytes stay readable, and nothing about them is on the disk). Reopening in the same
     * process must not trust them: recovery would read them from the cache, its own sync of clean
     * pages would "succeed", and the manifest and new acknowledged records would build on bytes a
     * power cut loses. The reopen is refused, naming the failed sync.
     */
    @Test
    void reopeningInTheProcessWhereASyncFailedNeverTrustsBytesThatAreNotOnDisk() throws Exception {
        final PosixAPI real = PosixAPI.posix();
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicInteger failedCalls = new AtomicInteger();
        final PosixAPI eio = (PosixAPI) java.lang.reflect.Proxy.newProxyInstance(PosixAPI.class.getClassLoader(),
                new Class<?>[]{PosixAPI.class}, (proxy, method, args) -> {
                    if (failing.get() && method.getName().equals("msync")) {
                        failedCalls.incrementAndGet();
                        return -1; // EIO; the mapping keeps the bytes
                    }
                    if (failing.get() && method.getName().equals("lastError")) {
                        return 5; // EIO
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        final Path journalDir = dir.resolve("fsyncgate");
        final Journal j = Journal.open(TestSeams.syncer(JournalConfig.builder(journalDir).syncPolicy(SyncPolicy.none()),
                new MsyncSyncer(eio)).build());
        long receipt = -1;
        for (int n = 0; n < 10; n++) {
            receipt = j.append(payload(0, n));
        }
        assertTrue(j.awaitDurable(receipt, 30, TimeUnit.SECONDS));
        final long durable = j.durableSequence();
        failing.set(true);
        for (int n = 10; n < 20; n++) {
            receipt = j.append(payload(0, n));
        }
        final long last = receipt;
        assertThrows(JournalFailedException.class, () -> j.awaitDurable(last, 30, TimeUnit.SECONDS));
        assertTrue(failedCalls.get() > 0, "the msync failed");
        try {
            j.close();
        } catch (IOException expected) {
            // the final sync fails too: the journal had failed
        }
        failing.set(false);

        // Records [durable, 20) are in the page cache only. Reopen in this process.
        try (Journal reopened = Journal.open(journalDir)) {
            final long next = reopened.recoveryReport().nextSequence();
            assertTrue(next <= durable, "reopened in the process where a sync failed and trusted records ["
                    + durable + ", " + next + ") that were only in the page cache (their msync failed): "
                    + reopened.recoveryReport().describe().replace('\n', ';'));
        } catch (IOException refused) {
            assertTrue(refused.getMessage().contains("refusing to recover") && refused.getMessage().contains("msync"),
                    "the refusal names the failed sync: " + refused.getMessage());
        }
    }

    /**
     * Not only msync: an fsync of the manifest or of the journal directory that fails is a failed
     * sync too (its pages may be kept as clean cache), so a reopen in the same process is refused,
     * keyed by the journal directory (a directory fsync names the directory itself, not a file in it).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"manifest", "directory"})
    void aFailedFsyncOfTheManifestOrTheDirectoryIsNeverTrustedByAReopenInThisProcess(String what) throws Exception {
        final Path journalDir = dir.resolve("fsync-" + what);
        final AtomicBoolean armed = new AtomicBoolean();
        final AtomicInteger injected = new AtomicInteger();
        final io.mappedjournal.fileio.FileOps eio = new io.mappedjournal.fileio.FileOps() {
            @Override
            public void force(java.nio.channels.FileChannel channel, Path file) throws IOException {
                if (what.equals("manifest") && armed.get() && file.getFileName().toString().startsWith("manifest")) {
                    injected.incrementAndGet();
                    throw new IOException("injected EIO: fsync failed on " + file);
                }
                io.mappedjournal.fileio.FileOps.REAL.force(channel, file);
            }

            @Override
            public void fsyncDirectory(Path d) throws IOException {
                if (what.equals("directory") && armed.get()) {
                    injected.incrementAndGet();
                    throw new IOException("injected EIO: fsync failed on directory " + d);
                }
                io.mappedjournal.fileio.FileOps.REAL.fsyncDirectory(d);
            }
        };
        final io.mappedjournal.fileio.FileOps previous = io.mappedjournal.fileio.DurableFiles.useFileOps(eio);
        try {
            // small segments and checkpoints: manifest writes and rolls (directory fsyncs) come often
            final Journal j = Journal.open(JournalConfig.builder(journalDir).segmentSize(64 << 10).maxRecordSize(4096)
                    .checkpointBytes(4 << 10).syncPolicy(SyncPolicy.always()).build());
            armed.set(true);
            boolean failed = false;
            for (int n = 0; n < 100_000 && !failed; n++) {
                try {
                    j.awaitDurable(j.append(payload(0, n)), 30, TimeUnit.SECONDS);
                } catch (JournalFailedException e) {
                    failed = true;
                }
            }
            assertTrue(failed && injected.get() > 0, what + ": the injected fsync failure must fail the journal");
            try {
                j.close();
            } catch (IOException expected) {
                // the journal had failed
            }
        } finally {
            io.mappedjournal.fileio.DurableFiles.useFileOps(previous);
        }
        final IOException refused = assertThrows(IOException.class, () -> Journal.open(journalDir).close(),
                what + ": reopened in the process where an fsync of the " + what + " failed");
        assertTrue(refused.getMessage().contains("refusing to recover") && refused.getMessage().contains("injected EIO"),
                "the refusal names the failed fsync: " + refused.getMessage());
    }

    static volatile boolean closing;
}
