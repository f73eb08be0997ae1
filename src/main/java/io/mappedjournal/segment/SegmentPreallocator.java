package io.mappedjournal.segment;

import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Prepares the next segment on a background thread (create + fallocate + map + prefault) so that a roll
 * only has to write a header, rename and sync: the master never waits for block allocation
 * unless it rolls faster than the disk can allocate. One segment is kept ready ahead. A segment is
 * handed over once its head is prefaulted; the rest is prefaulted while the master writes it
 * (see {@link Segment#prefault}), so a roll never waits for a whole segment's page faults.
 */
public final class SegmentPreallocator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentPreallocator.class);

    /** Prefaulted before a segment is handed over: the master's first writes land on resident pages. */
    private static final long HEAD_BYTES = 4 * Segment.PREFAULT_CHUNK;
    private final Path dir;
    private final long segmentLength;
    private final PosixAPI posix;
    private final ExecutorService executor;
    private CompletableFuture<Segment> next;
    private long nextIndex;

    /**
     * Starts the background thread, which begins preparing the segment numbered {@code firstIndex}.
     *
     * @param dir           the journal directory
     * @param segmentLength bytes per segment
     * @param posix         the binding for {@code fallocate} and {@code madvise}
     * @param firstIndex    index of the first segment to prepare
     */
    public SegmentPreallocator(Path dir, long segmentLength, PosixAPI posix, long firstIndex) {
        this.dir = dir;
        this.segmentLength = segmentLength;
        this.posix = posix;
        this.nextIndex = firstIndex;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "mapped-journal-preallocator:" + dir.getFileName());
            t.setDaemon(true);
            return t;
        });
        prepareNext();
    }

    private void prepareNext() {
        final long index = nextIndex++;
        final CompletableFuture<Segment> created = new CompletableFuture<>();
        next = created;
        // One task per segment, so the next segment's preparation waits for this one's prefault.
        executor.execute(() -> {
            final Segment segment;
            try {
                segment = Segment.prepare(dir, index, segmentLength, posix);
                if (!segment.prefault(posix, 0, Math.min(HEAD_BYTES, segmentLength))) {
                    segment.prefaultByWriting(); // old kernel: all of it, before the master may write
                }
            } catch (IOException e) {
                created.completeExceptionally(new java.io.UncheckedIOException(e));
                return;
            } catch (RuntimeException | Error e) {
                created.completeExceptionally(e);
                return;
            }
            // From here the master may take the segment (it only waits for the head): the rest is
            // prefaulted while it writes, so a master faster than the prefault never stands idle
            // at a roll; where it overtakes, it takes the page faults itself.
            created.complete(segment);
            segment.prefault(posix, Math.min(HEAD_BYTES, segmentLength), segmentLength);
        });
    }

    /**
     * The prepared segment (waiting for it if it is not ready), and starts preparing the one
     * after it.
     *
     * @throws IOException the preparation's own error (for example ENOSPC), naming the path
     */
    Segment take() throws IOException {
        final Segment segment;
        try {
            segment = next.get();
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause();
            nextIndex--;
            prepareNext(); // a later take() may succeed once space is freed; the caller decides
            if (cause instanceof java.io.UncheckedIOException) {
                throw ((java.io.UncheckedIOException) cause).getCause();
            }
            throw new IOException("segment preparation failed: dir=" + dir + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the next segment: dir=" + dir);
        }
        prepareNext();
        return segment;
    }

    /** Stops the background thread and deletes a prepared segment that was never used. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            final Segment unused = next.get();
            unused.discard();
        } catch (ExecutionException e) {
            // nothing was prepared; the failure was or will be reported by take()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("could not delete unused preallocated segment in {}: {}", dir, e.toString());
        }
    }
}
