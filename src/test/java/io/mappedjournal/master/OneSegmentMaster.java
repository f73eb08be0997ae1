package io.mappedjournal.master;

import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.policy.IdleStrategy;
import io.mappedjournal.policy.RollPolicy;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentLog;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.TicketSource;
import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A production {@link Master} (not started: the test calls {@link Master#doWork()} pass by pass)
 * over a production {@link SegmentLog} on one segment of {@link #LENGTH} bytes, with no
 * preallocator and no manifest: it never rolls (the tests write far less) and never checkpoints.
 */
final class OneSegmentMaster implements AutoCloseable {
    static final long LENGTH = 1 << 20;
    final Segment segment;
    final StagingPool pool;
    final Master master;

    /**
     * @param tickets total order's shared counter, or {@link TicketSource#NONE} for per-producer order
     */
    OneSegmentMaster(Path dir, FileSyncer syncer, SyncPolicy policy, int rings, TicketSource tickets) throws IOException {
        segment = Segment.prepare(dir, 0, LENGTH, PosixAPI.posix());
        segment.activate(new SegmentHeader(0, 0, LENGTH, System.currentTimeMillis()), syncer);
        final SegmentLog log = new SegmentLog(dir, LENGTH, syncer, null, RollPolicy.whenFull(), null, Long.MAX_VALUE,
                List.of(), 0, segment, SegmentHeaderDescriptor.DATA_OFFSET, 0);
        pool = new StagingPool(rings, 4096);
        master = new Master(pool, log, policy, IdleStrategy.busySpin(), new JournalState("test"),
                new DurabilityWaiters(Runnable::run), new MasterMetrics(), Long.MAX_VALUE, tickets);
    }

    /** Closes the segment only: the log has no preallocator or manifest to close. */
    @Override
    public void close() {
        segment.close();
    }
}
