package io.mappedjournal.jcstress.support;

import io.mappedjournal.format.FrameDecoder;
import io.mappedjournal.master.DurabilityWaiters;
import io.mappedjournal.master.JournalState;
import io.mappedjournal.master.Master;
import io.mappedjournal.master.MasterMetrics;
import io.mappedjournal.policy.IdleStrategy;
import io.mappedjournal.policy.RollPolicy;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.SegmentLog;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.TicketSource;

import java.util.ArrayList;
import java.util.List;

/**
 * A production {@link Master} (not started: the test's master actor calls {@link Master#doWork()}
 * by hand, as the master thread's loop does) over a production {@link StagingPool} and a
 * production {@link SegmentLog} whose active segment is a slice of the {@link SharedSegment}.
 * The slice is far from the segment's end, so a pass never rolls; checkpoints are disabled
 * (checkpointBytes = Long.MAX_VALUE) so no manifest is written, and there is no preallocator.
 * The {@link FileSyncer} is the journal's own seam: the rig records the end of the last synced
 * range (a volatile store made after the "sync" completes, before {@code sync} returns).
 */
public final class MasterRig {
    /** Shared by every rig in the VM: only counters and histograms, never read by the tests. */
    private static final MasterMetrics METRICS = new MasterMetrics();

    public final StagingPool pool;
    public final SegmentLog log;
    public final JournalState state = new JournalState("jcstress");
    public final DurabilityWaiters waiters = new DurabilityWaiters(Runnable::run);
    public final Master master;
    public final long sliceStart;
    /** End offset of the last range the syncer made durable; -1 before the first sync. */
    public volatile long syncedTo = -1;
    private final FileSyncer syncer = (segment, from, to) -> syncedTo = to;

    public MasterRig(int maxWriters, int ringCapacity, SyncPolicy policy) {
        this(maxWriters, ringCapacity, policy, TicketSource.NONE);
    }

    /** As above; a {@link TicketSource.SharedCounter} makes the master write in total (ticket) order. */
    public MasterRig(int maxWriters, int ringCapacity, SyncPolicy policy, TicketSource tickets) {
        final SharedSegment shared = SharedSegment.get();
        this.pool = new StagingPool(maxWriters, ringCapacity);
        this.sliceStart = shared.slice();
        this.log = new SegmentLog(shared.dir, SharedSegment.LENGTH, syncer, null, RollPolicy.whenFull(), null,
                Long.MAX_VALUE, List.of(), 0, shared.segment, sliceStart, 0);
        this.master = new Master(pool, log, policy, IdleStrategy.busySpin(), state, waiters, METRICS, Long.MAX_VALUE, tickets);
    }

    /** One master duty cycle; an IOException (none expected: the syncer cannot fail) becomes unchecked. */
    public int doWork() {
        try {
            return master.doWork();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Payloads' first bytes of the valid frames in this rig's slice, in order, until the first non-frame. */
    public List<Integer> framesInSlice() {
        final FrameDecoder decoder = new FrameDecoder();
        final List<Integer> firstBytes = new ArrayList<>();
        long offset = sliceStart;
        final long limit = sliceStart + SharedSegment.SLICE;
        long expectedSequence = 0;
        while (true) {
            final int status = decoder.decode(SharedSegment.get().segment.store(), offset, limit, expectedSequence);
            if (status != FrameDecoder.VALID) {
                if (status != FrameDecoder.END && status != FrameDecoder.SEGMENT_END) {
                    firstBytes.add(-100 - status);
                }
                return firstBytes;
            }
            firstBytes.add(decoder.length() == 0 ? -1 : (int) decoder.payload()[0]);
            offset += decoder.frameLength();
            expectedSequence++;
        }
    }
}
