package io.mappedjournal.crash;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalFailedException;
import io.mappedjournal.fileio.DurableFiles;
import io.mappedjournal.fileio.FileOps;
import io.mappedjournal.policy.SyncPolicy;

import net.openhft.posix.PosixAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.mappedjournal.crash.CrashTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Disk full without a tmpfs mount: a {@link FileOps} seam answers ENOSPC from preallocation (a
 * segment roll) or from the force of a manifest write, so the fail-stop path runs on every
 * machine. The journal must fail stop: every waiter learns it ({@link JournalFailedException}),
 * appends fail fast, and every acknowledged record survives a reopen once the fault is removed.
 * The tmpfs {@link DiskFullTest} stays for the real ENOSPC.
 */
class DiskFullSeamTest {
    @TempDir
    Path dir;

    /** FileOps that fails with ENOSPC once armed, for allocate or for force of matching files. */
    static final class Enospc implements FileOps {
        volatile boolean armed;                 // volatile: set by the test, read by the master
        final boolean onAllocate;
        final Predicate<Path> forceOf;
        final AtomicInteger thrown = new AtomicInteger();

        Enospc(boolean onAllocate, Predicate<Path> forceOf) {
            this.onAllocate = onAllocate;
            this.forceOf = forceOf;
        }

        IOException enospc(String op, Path file) {
            thrown.incrementAndGet();
            return new IOException("No space left on device (ENOSPC, injected) in " + op + " of " + file);
        }

        @Override
        public void allocate(Path file, long length, PosixAPI posix) throws IOException {
            if (armed && onAllocate) {
                throw enospc("allocate", file);
            }
            FileOps.REAL.allocate(file, length, posix);
        }

        @Override
        public void force(FileChannel channel, Path file) throws IOException {
            if (armed && forceOf.test(file)) {
                throw enospc("force", file);
            }
            FileOps.REAL.force(channel, file);
        }
    }

    @Test
    void enospcFromPreallocationAtARollFailsStop() throws Exception {
        check(new Enospc(true, f -> false), "allocate");
    }

    @Test
    void enospcFromTheManifestForceFailsStop() throws Exception {
        check(new Enospc(false, f -> !f.getFileName().toString().endsWith(".seg")
                && !f.getFileName().toString().contains("prealloc")), "force");
    }

    private void check(Enospc fault, String op) throws Exception {
        // small segments and checkpoints: both rolls and manifest writes come every few hundred records
        final JournalConfig.Builder cfg = JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(4096)
                .syncPolicy(SyncPolicy.batch(java.time.Duration.ofMillis(1), Long.MAX_VALUE))
                .checkpointBytes(8 << 10);
        final FileOps previous = DurableFiles.useFileOps(fault);
        long acked = 0;
        JournalFailedException seen = null;
        final Journal j = Journal.open(cfg.build());
        try {
            appendDurably(j, 0, 200);
            acked = 200;
            fault.armed = true;
            final long[] pending = new long[64];
            long firstPending = acked;
            int n = 0;
            for (long s = acked; s < 200_000 && seen == null; s++) {
                try {
                    if (n == 0) {
                        firstPending = s;
                    }
                    // not pending[n++] = j.append(..): the index (and n++) is evaluated before the
                    // append, so an append that throws would leave n counting a stale receipt
                    final long receipt = j.append(payload(s));
                    pending[n++] = receipt;
                    if (n == pending.length) {
                        assertTrue(j.awaitDurable(pending[n - 1], 30, TimeUnit.SECONDS));
                        acked = s + 1;
                        n = 0;
                    }
                } catch (JournalFailedException e) {
                    seen = e;
                }
            }
            assertNotNull(seen, op + ": the journal must fail when the disk is full");
            assertTrue(fault.thrown.get() > 0, op + ": the fault never fired");
            assertTrue(chainMentions(seen, "ENOSPC, injected"), op + ": cause must be the ENOSPC: " + seen);
            assertFalse(j.isOpen(), op);
            // every waiter learns the outcome: a record whose sync completed before the failure is
            // durable (and must survive the reopen), any other waiter gets JournalFailedException
            int failedWaiters = 0;
            for (int i = 0; i < n; i++) {
                final long t = pending[i];
                try {
                    assertTrue(j.awaitDurable(t, 5, TimeUnit.SECONDS), op + ": waiter on " + t + " timed out");
                    assertEquals(failedWaiters, 0, op + ": durable after a failed one: " + t);
                    acked = firstPending + i + 1;
                } catch (JournalFailedException w) {
                    assertTrue(chainMentions(w, "ENOSPC, injected"), op + ": " + w);
                    failedWaiters++;
                }
            }
            final long t0 = System.nanoTime();
            final JournalFailedException again = assertThrows(JournalFailedException.class, () -> j.append(payload(0)));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), op + ": appends fail fast");
            assertTrue(chainMentions(again, "ENOSPC, injected"), op + ": " + again);
        } finally {
            j.close();
            DurableFiles.useFileOps(previous);
        }
        assertTrue(acked > 200, op + ": records were acknowledged after arming, before the failure: " + acked);
        final ReadBack back = readAll(dir);
        assertNull(back.error, op);
        assertTrue(back.isPrefix(), op);
        assertTrue(back.count() >= acked, op + ": " + back.count() + " < " + acked + " acknowledged; files: "
                + java.util.Arrays.toString(dir.toFile().list()) + " last error: " + seen);
    }

    private static boolean chainMentions(Throwable t, String s) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains(s)) {
                return true;
            }
        }
        return false;
    }
}
