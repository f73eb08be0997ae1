package io.mappedjournal.jcstress.master;

import io.mappedjournal.format.FrameDescriptor;
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
 * One background sync after another. Policy ALWAYS, nobody waiting. Setup: record 1 copied by a
 * pass that started sync 1 (covering record 1) on the log's sealer thread; then record 2
 * published. The master actor's pass copies record 2, waits for sync 1 (the policy wants the next
 * sync already), publishes what sync 1 covered, and starts sync 2 (covering record 2). The
 * observer reads the ring's durable position, then the synced end (both volatile).
 *
 * <p>Whatever the timing, the durable position may name record 2 only once sync 2 visibly
 * finished: publishing sync 1's finish with the snapshot taken when sync 2 started (the bug this
 * test guards: the new snapshot replaced the finished sync's before it was published) shows up as
 * record 2 durable while the synced end covers record 1 only.
 *
 * <p>Result: r1 = the durable position the observer saw: 0 neither record, 1 record 1, 2 record 2;
 * r2 = the synced end it then read covered that record's frame (1) or not (0), 1 when r1 = 0;
 * r3 = after further passes (arbiter): 1 record 2 durable with its frame synced, 0 not within 5 s.
 */
@JCStressTest
@Description("Successive background syncs: each finish publishes only what that sync covered.")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "observer before sync 1's finish was published: nothing durable yet")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "observer after sync 1's finish was published, before sync 2's: record 1 durable and synced")
@Outcome(id = "2, 1, 1", expect = ACCEPTABLE, desc = "observer after sync 2 finished and was published (the actor's pass, or one of its own): record 2 durable and synced")
@Outcome(id = "[12], 0, .*", expect = FORBIDDEN, desc = "a record durable before the sync covering it visibly finished: a finish published with a later sync's snapshot, or without a happens-before")
@Outcome(id = ".*, .*, 0", expect = FORBIDDEN, desc = "record 2 never became durable: sync 2's finish was never published")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class BackgroundSyncSuccessionTest {
    static final int LENGTH = 24;
    final MasterRig rig = new MasterRig(1, 1024, SyncPolicy.always());
    final StagingRing ring = Rings.newPoolRing(rig.pool);
    final long position1;
    final long position2;

    public BackgroundSyncSuccessionTest() {
        position1 = Rings.append(ring, LENGTH, (byte) 0x31);
        rig.doWork(); // copies record 1, starts sync 1 on the sealer thread
        position2 = Rings.append(ring, LENGTH, (byte) 0x32);
    }

    /** End of record {@code n}'s frame (1 or 2) in the segment. */
    private long frameEnd(int n) {
        return rig.sliceStart + n * FrameDescriptor.frameLength(LENGTH);
    }

    @Actor
    public void master() {
        rig.doWork();
    }

    @Actor
    public void observer(III_Result r) {
        final long durable = ring.durablePositionVolatile();
        final long synced = rig.syncedTo;
        final int level = durable >= position2 ? 2 : durable >= position1 ? 1 : 0;
        r.r1 = level;
        r.r2 = level == 0 || synced >= frameEnd(level) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ring.durablePositionVolatile() < position2 && System.nanoTime() < deadline) {
            rig.doWork();
        }
        r.r3 = ring.durablePositionVolatile() >= position2 && rig.syncedTo >= frameEnd(2) ? 1 : 0;
    }
}
