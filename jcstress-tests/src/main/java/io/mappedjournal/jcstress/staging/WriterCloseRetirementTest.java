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
 * Issue 4, test 4 (close): a writer that commits its last record and closes while the master
 * drains loses nothing, and its ring, once reused, carries no old record.
 *
 * <p>Production classes: StagingPool, StagingRing, Master, SegmentLog ({@link MasterRig}, sync
 * policy ALWAYS). Setup: an explicit writer (no owner thread, as {@code Journal.openWriter()})
 * holds the pool's only ring and has committed record 1. The writer actor commits record 2
 * (volatile tail store) and closes ({@code StagingPool.release}: volatile store of
 * {@code released}), what {@code JournalWriter.close()} does. The master actor runs one real duty
 * cycle: drain every ring into the segment, sync, reclaim (its first pass always reclaims). The
 * reclaim reads {@code released} before the tail, so seeing the release implies seeing record 2,
 * and a ring is reclaimed only when drained up to that tail. The arbiter runs later passes, lets
 * a new owner take the ring and append record 9, and checks the segment holds 1, 2, 9 exactly.
 *
 * <p>Result: r1 = frames the master's pass wrote (1 or 2); r2 = that pass reclaimed the ring;
 * r3 = {@link Retirement#checkAfterRetirement} (1 = nothing lost, nothing leaked).
 */
@JCStressTest
@Description("Writer retirement by close: nothing lost while the master drains; a reused ring leaks no old record.")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "master's pass before the writer's last commit: drained record 1 only, ring still in use; a later pass drains record 2")
@Outcome(id = "2, 0, 1", expect = ACCEPTABLE, desc = "master drained both records but read 'released' before the close: reclaimed by a later pass")
@Outcome(id = "2, 1, 1", expect = ACCEPTABLE, desc = "master's pass after commit and close: drained both records and reclaimed the ring")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "master reclaimed the ring (saw the close) without having drained the record committed before the close")
@Outcome(expect = FORBIDDEN, desc = "r3 < 0: a record lost, duplicated or reordered, an old record leaked into the reused ring, or the ring never reclaimed")
@State
public class WriterCloseRetirementTest {
    final MasterRig rig = new MasterRig(1, 1024, SyncPolicy.always());
    final StagingRing ring = Rings.newPoolRing(rig.pool);

    public WriterCloseRetirementTest() {
        Rings.append(ring, Retirement.LENGTH, (byte) 1);
    }

    @Actor
    public void writer() {
        Rings.append(ring, Retirement.LENGTH, (byte) 2); // volatile tail store
        rig.pool.release(ring); // JournalWriter.close(): volatile store of released, after the tail
    }

    @Actor
    public void master(III_Result r) {
        rig.doWork(); // drain, sync, reclaim (reads released, then the tail)
        r.r1 = rig.framesInSlice().size();
        r.r2 = rig.pool.inUse() == 0 ? 1 : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = Retirement.checkAfterRetirement(rig, List.of(1, 2), -1);
    }
}
