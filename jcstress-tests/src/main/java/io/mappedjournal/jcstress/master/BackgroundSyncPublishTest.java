package io.mappedjournal.jcstress.master;

import io.mappedjournal.jcstress.support.MasterRig;
import io.mappedjournal.jcstress.support.Rings;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.staging.StagingRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The policy's background sync and the durable watermark. Policy ALWAYS, nobody waiting: the
 * master's pass copies the record and starts its sync on the log's sealer thread (a real third
 * thread: the {@code FileSyncer} seam records the synced end, a volatile store, before the task
 * completes its future); a later pass sees the future done and publishes the ring position it
 * snapshotted when the sync started (volatile store).
 *
 * <p>Setup: record 1 published and one pass run, so the background sync is in flight or done.
 * Actors: the master runs another pass (publishing, if the sync has finished); an observer reads
 * the ring's durable position, then the synced end. Whatever the timing, an observer that sees the
 * record durable must also see the sync that covers its frame complete: the chain is the syncer's
 * store, the future's completion, the master's {@code isDone}, the master's durable store, the
 * observer's durable load.
 *
 * <p>Result: r1 = observer saw the record durable (1) or not (0); r2 = when it did, the synced
 * end it then read covered the frame (1) or not (0), else 1; r3 = after further passes (arbiter):
 * 1 durable with the frame synced, 0 never durable within 5 s.
 */
@JCStressTest
@Description("Background policy sync: durable is never observed before the sync covering the record finished.")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "observer before the master published the finished sync (sync still running, or the pass not yet past it): not durable yet; later passes publish it")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "observer after the master published it: durable, and the sync covering the frame is visibly complete")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "durable observed while the sync covering the frame was not visibly complete: published before the sync finished, or without a happens-before")
@Outcome(id = ".*, .*, 0", expect = FORBIDDEN, desc = "the record never became durable: the finished background sync was never published")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class BackgroundSyncPublishTest {
    static final int LENGTH = 24;
    final MasterRig rig = new MasterRig(1, 1024, SyncPolicy.always());
    final StagingRing ring = Rings.newPoolRing(rig.pool);
    final long position;

    public BackgroundSyncPublishTest() {
        position = Rings.append(ring, LENGTH, (byte) 0x31);
        rig.doWork(); // copies the frame, starts the policy's sync on the sealer thread
    }

    /** End of the record's frame in the segment: the sync must reach it. */
    private long frameEnd() {
        return rig.sliceStart + io.mappedjournal.format.FrameDescriptor.frameLength(LENGTH);
    }

    @Actor
    public void master() {
        rig.doWork();
    }

    @Actor
    public void observer(III_Result r) {
        final boolean durable = ring.durablePositionVolatile() >= position;
        final long synced = rig.syncedTo;
        r.r1 = durable ? 1 : 0;
        r.r2 = durable ? (synced >= frameEnd() ? 1 : 0) : 1;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ring.durablePositionVolatile() < position && System.nanoTime() < deadline) {
            rig.doWork();
        }
        r.r3 = ring.durablePositionVolatile() >= position && rig.syncedTo >= frameEnd() ? 1 : 0;
    }
}
