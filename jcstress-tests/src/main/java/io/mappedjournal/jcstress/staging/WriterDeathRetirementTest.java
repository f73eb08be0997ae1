package io.mappedjournal.jcstress.staging;

import io.mappedjournal.jcstress.support.MasterRig;
import io.mappedjournal.jcstress.support.Retirement;
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

import java.util.List;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Issue 4, test 4 (thread death): a thread that dies while the master drains loses nothing it
 * committed, and its ring, once reused, carries nothing of it: no record it did not commit, no
 * claim it left open.
 *
 * <p>The writer actor starts a real thread T that takes the pool's only ring bound to itself
 * ({@code StagingPool.acquire(T)}, as {@code Journal.writer()} does), commits records 1 and 2,
 * claims space for record 3 and writes it, and dies without committing it (an exception between
 * {@code claim} and {@code commit} in user code). The master actor runs one real duty cycle
 * (drain, sync, reclaim: a ring whose owner is not alive and that is drained goes back to the
 * free list). Thread termination happens-before {@code isAlive()} returning false, and the reclaim
 * reads it before the tail, so a reclaim implies both records drained. The arbiter joins T, runs
 * later passes, lets a new owner take the ring and append record 9: the segment must hold 1, 2, 9
 * exactly, and the new owner must not find T's open claim (with it, every
 * {@code JournalWriter} append on the reused ring throws "a claim is open on this writer").
 *
 * <p>Result: r1 = frames the master's pass wrote (0..2); r2 = that pass reclaimed the ring;
 * r3 = {@link Retirement#checkAfterRetirement}.
 */
@JCStressTest
@Description("Writer retirement by thread death: nothing lost while the master drains; a reused ring inherits nothing.")
@Outcome(id = "[012], 0, 1", expect = ACCEPTABLE, desc = "master's pass before T's death (or before T took the ring): drained what T had committed so far, ring still owned; a later pass drains the rest and reclaims")
@Outcome(id = "2, 1, 1", expect = ACCEPTABLE, desc = "master's pass after T's death: drained records 1 and 2 and reclaimed the ring")
@Outcome(id = "[01], 1, .*", expect = FORBIDDEN, desc = "master reclaimed the ring of a dead owner without having drained all it committed")
@Outcome(id = ".*, .*, -2", expect = FORBIDDEN, desc = "the reused ring still had the dead owner's open claim: the new owner's appends all fail")
@Outcome(id = ".*, .*, -3", expect = FORBIDDEN, desc = "the dead owner's uncommitted record 3 leaked into the journal")
@Outcome(expect = FORBIDDEN, desc = "r3 < 0: a committed record lost, duplicated or reordered, or the ring never reclaimed")
@State
public class WriterDeathRetirementTest {
    final MasterRig rig = new MasterRig(1, 1024, SyncPolicy.always());
    final Rings.PoolHandle handle = new Rings.PoolHandle(rig.pool);
    final Thread owner = new Thread(() -> {
        final StagingRing ring = handle.acquire(Thread.currentThread());
        Rings.append(ring, Retirement.LENGTH, (byte) 1);
        Rings.append(ring, Retirement.LENGTH, (byte) 2);
        final long index = ring.tryClaim(Retirement.LENGTH); // claim record 3 ...
        Rings.fill(ring.buffer(), index, Retirement.LENGTH, (byte) 3);
        // ... and die before committing it
    }, "jcstress-dying-writer");

    @Actor
    public void writer() {
        owner.start();
    }

    @Actor
    public void master(III_Result r) {
        rig.doWork(); // drain, sync, reclaim (reads owner.isAlive(), then the tail)
        r.r1 = rig.framesInSlice().size();
        r.r2 = rig.pool.allocated() == 1 && rig.pool.inUse() == 0 ? 1 : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        try {
            owner.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        r.r3 = Retirement.checkAfterRetirement(rig, List.of(1, 2), 3);
    }
}
