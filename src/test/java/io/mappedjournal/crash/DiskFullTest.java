package io.mappedjournal.crash;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalFailedException;
import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.mappedjournal.crash.CrashTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Disk full, for real: a small tmpfs mounted by the test (needs root; skipped cleanly where
 * mounting is not permitted). Segments are preallocated with fallocate, so running out of
 * space shows up when the next segment is prepared and is reported at the roll that needs it:
 * the journal fails (fail-stop, like a failed sync) with an error that says "disk full" and
 * names the file; under every backpressure mode producers then get JournalFailedException at
 * once; nothing faults (no SIGBUS, no InternalError); everything acknowledged stays readable
 * and recoverable; reopening while the disk is still full fails with the same clear error, and
 * once space is freed a reopen continues.
 */
class DiskFullTest {
    @TempDir
    Path tmp;

    static boolean run(String... cmd) throws Exception {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!ok) {
            System.out.println("disk full test: '" + String.join(" ", cmd) + "' failed: " + out.trim());
        }
        return ok;
    }

    @Test
    void fullDiskFailsTheRollCleanlyAndAReopenContinuesOnceSpaceIsFreed() throws Exception {
        for (Backpressure bp : Backpressure.values()) {
            final Path mnt = tmp.resolve("tmpfs-" + bp.name().toLowerCase());
            Files.createDirectories(mnt);
            Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.toString()),
                    "cannot mount a tmpfs here (needs root): disk-full test skipped");
            try {
                checkDiskFull(mnt, bp);
            } finally {
                run("umount", "-l", mnt.toString());
            }
        }
    }

    private void checkDiskFull(Path dir, Backpressure bp) throws Exception {
        final JournalConfig.Builder cfg = JournalConfig.builder(dir).segmentSize(1 << 20).maxRecordSize(4096)
                .syncPolicy(SyncPolicy.batch(java.time.Duration.ofMillis(2), Long.MAX_VALUE)).backpressure(bp)
                .checkpointBytes(1 << 30);
        long acked = 0;
        JournalFailedException seen = null;
        final Journal j = Journal.open(cfg.build());
        try {
            // 4 MiB of tmpfs holds the active segment, the preallocated next one and two more:
            // the fourth roll finds no space for the segment after it.
            for (long s = 0; s < 100_000 && seen == null; s++) {
                final long r;
                try {
                    r = j.append(payload(s));
                } catch (JournalFailedException e) {
                    seen = e;
                    break;
                }
                if (r == Journal.DROPPED) {
                    fail("nothing may be dropped before the disk is full: " + bp);
                }
                if (s % 64 == 63) {
                    try {
                        assertTrue(j.awaitDurable(r, 30, TimeUnit.SECONDS));
                        acked = s + 1;
                    } catch (JournalFailedException e) {
                        seen = e;
                    }
                }
            }
            assertNotNull(seen, bp + ": the journal must fail when it cannot get a segment");
            final Throwable cause = seen.getCause();
            assertInstanceOf(IOException.class, cause, bp + ": " + seen);
            assertTrue(cause.getMessage().contains("disk full") && cause.getMessage().contains(".prealloc")
                    && cause.getMessage().contains(dir.toString()), bp + ": " + cause.getMessage());
            assertFalse(j.isOpen());
            // producers see the failure at once, whatever the backpressure mode
            final long t0 = System.nanoTime();
            final JournalFailedException again = assertThrows(JournalFailedException.class, () -> j.append(payload(0)));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "fails fast");
            assertSame(cause, again.getCause());
        } finally {
            j.close();
        }
        assertTrue(acked > 1000, "records were acknowledged before the disk filled: " + acked);
        // everything acknowledged is readable while the disk is still full
        final ReadBack full = readAll(dir);
        assertNull(full.error);
        assertTrue(full.isPrefix());
        assertTrue(full.count() >= acked, full.count() + " < " + acked);
        // reopening still needs a new segment: the same clear error, no fault
        final IOException reopen = assertThrows(IOException.class, () -> Journal.open(cfg.build()));
        assertTrue(reopen.getMessage().contains("disk full"), reopen.getMessage());
        // free space (grow the tmpfs), reopen: recovery finds every record and appending continues
        assertTrue(run("mount", "-o", "remount,size=16m", dir.toString()));
        final long next;
        // (BLOCK: appendDurably expects no record to be dropped)
        try (Journal reopened = Journal.open(cfg.backpressure(Backpressure.BLOCK).build())) {
            next = reopened.recoveryReport().nextSequence();
            assertTrue(next >= acked);
            appendDurably(reopened, next, next + 2000);
        }
        final ReadBack after = readAll(dir);
        assertNull(after.error);
        assertTrue(after.isPrefix());
        assertEquals(next + 2000, after.count());
        System.out.printf("disk full (%s): failed at the roll after %d acknowledged records; reopened after freeing"
                + " space at %d and appended 2000 more%n", bp, acked, next);
    }
}
