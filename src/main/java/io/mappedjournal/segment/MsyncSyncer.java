package io.mappedjournal.segment;

import io.mappedjournal.fileio.SyncFailures;
import net.openhft.posix.MSyncFlag;
import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code msync(MS_SYNC)} on the page-aligned range, with the return code checked. Never
 * Chronicle's {@code SyncMode.ASYNC} (MS_ASYNC is a no-op on Linux) and never
 * {@code syncUpTo}, which only logs a failure. A failure is recorded in {@link SyncFailures}: the
 * directory is not recovered again in this process.
 */
public final class MsyncSyncer implements FileSyncer {
    static final long PAGE_SIZE = 4096;
    private final PosixAPI posix;

    /**
     * Creates the production syncer.
     *
     * @param posix the binding that issues {@code msync}
     */
    public MsyncSyncer(PosixAPI posix) {
        this.posix = posix;
    }

    @Override
    public void sync(Segment segment, long fromOffset, long toOffset) throws IOException {
        if (toOffset <= fromOffset) {
            return;
        }
        final long alignedFrom = fromOffset & -PAGE_SIZE;
        final long address = segment.addressOf(alignedFrom);
        final long length = toOffset - alignedFrom;
        final int rc = posix.msync(address, length, MSyncFlag.MS_SYNC);
        if (rc != 0) {
            final int errno = posix.lastError();
            final String failure = "msync(MS_SYNC) failed: path=" + segment.path() + " range=[" + alignedFrom + ","
                    + toOffset + ") errno=" + errno + " (" + posix.strerror(errno) + ")";
            SyncFailures.record(segment.path(), failure);
            throw new IOException(failure);
        }
    }

    /**
     * A sealed segment: unmap, then {@code fdatasync} the file ({@link Segment#closeAndSync()}),
     * rather than {@code msync} of the still-mapped range, which makes the kernel write-protect
     * every page (and shoot down the TLBs of the master's core) as it writes them back.
     */
    @Override
    public void syncAndClose(Segment segment, long fromOffset, long toOffset) throws IOException {
        if (toOffset <= fromOffset) {
            segment.close();
            return;
        }
        final Path path = segment.path();
        try {
            segment.closeAndSync();
        } catch (IOException e) {
            SyncFailures.record(path, e.getMessage());
            throw e;
        }
    }
}
