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

import java.util.concurrent.CompletableFuture;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Issue 4, test 3 (futures): {@code Master.future} (what {@code Journal.durableFuture} calls)
 * against {@code Master.doWork}, on the production classes ({@link MasterRig}, policy NONE).
 *
 * <p>Unlike {@code await}, {@code future} does not re-check the condition after enqueueing: it
 * checks it, enqueues (CAS), and requests a sync (volatile store, then unpark of the master). Its
 * guarantee is therefore one pass later: the request makes the master's next pass sync (if still
 * needed) and scan the queue, so a future is never left pending past that pass. Completion runs on
 * the DurabilityWaiters executor (here: inline on the master thread).
 *
 * <p>Result: r1 = when {@code future} returned: 0 pending, 1 already completed by the master
 * (between the request and the return), 2 completed by its own pre-check (durable before any
 * request), -1 completed before the sync covering the record's frame had completed; r2 = done
 * after the master actor's pass; r3 = done after one more pass (run by the arbiter: the pass the
 * request guarantees in production).
 */
@JCStressTest
@Description("Durable futures: completed at the latest by the pass after their sync request, never before the covering sync.")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "the pass ran before the future's request (not synced), or synced and scanned before the future enqueued: the next pass, which the request forces, completes it")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "the future enqueued and requested before the pass: the pass synced, published and completed it after future() returned")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "the future enqueued and requested before the pass: the pass synced, published and completed it before future() returned")
@Outcome(id = ".*, .*, 0", expect = FORBIDDEN, desc = "LOST WAKE-UP: the future is still pending after the pass its sync request guarantees")
@Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "the future completed before the sync covering its record had completed")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "durable at future()'s own pre-check, before it requested a sync: under policy NONE nothing may be synced before a request")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class DurableFutureTest {
    static final int LENGTH = 24;

    final MasterRig rig = new MasterRig(1, 1024, SyncPolicy.none());
    final StagingRing ring;
    final long position;
    final long frameEnd;
    volatile CompletableFuture<Void> future;
    volatile int completedBeforeSync;
    volatile Thread waiterThread;
    /** Waiter thread only: future()'s pre-check (its only evaluation on this thread) returned true. */
    boolean preCheckTrue;

    public DurableFutureTest() {
        ring = Rings.newPoolRing(rig.pool);
        position = Rings.append(ring, LENGTH, (byte) 0x5A);
        frameEnd = rig.sliceStart + FrameDescriptor.frameLength(LENGTH);
    }

    @Actor
    public void waiter(III_Result r) {
        waiterThread = Thread.currentThread();
        // The condition Journal.durableFuture passes; on this thread future() evaluates it once,
        // before enqueueing (the journal is OPEN, so the CLOSED re-check does not evaluate it).
        final CompletableFuture<Void> f = rig.master.future(() -> {
            final boolean durable = ring.durablePositionVolatile() >= position;
            if (durable && Thread.currentThread() == waiterThread) {
                preCheckTrue = true;
            }
            return durable;
        });
        r.r1 = preCheckTrue ? 2 : f.isDone() ? 1 : 0;
        // Runs when the future completes (on the completing thread), or here if it already has:
        // the sync covering the record must have completed by then.
        f.thenRun(() -> {
            if (rig.syncedTo < frameEnd) {
                completedBeforeSync = 1;
            }
        });
        future = f;
    }

    @Actor
    public void master() {
        rig.doWork();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        final CompletableFuture<Void> f = future;
        r.r2 = f.isDone() ? 1 : 0;
        if (!f.isDone()) {
            rig.doWork(); // the next pass: in production the request unparks the master for it
        }
        r.r3 = f.isDone() && !f.isCompletedExceptionally() ? 1 : 0;
        if (completedBeforeSync != 0) {
            r.r1 = -1;
        }
    }
}
