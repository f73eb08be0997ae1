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

import java.util.function.BooleanSupplier;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Issue 4, test 3: the durable watermark and its waiters ({@code Master.await} against
 * {@code Master.doWork}), on the production Master, DurabilityWaiters, StagingRing and
 * SegmentLog (see {@link MasterRig}), sync policy NONE so that only the waiter's request makes
 * the master sync.
 *
 * <p>Setup: one record (24 bytes) is published in the ring; its receipt position is
 * {@code position}. The waiter calls the real {@code master.await(condition, 0)} with the
 * condition {@code Journal.awaitDurable} uses ({@code ring.durablePositionVolatile() >= position}),
 * instrumented: await evaluates it (1) before enqueueing, then (2) after enqueueing itself (a CAS:
 * full fence) and requesting a sync. When (2) is false, a real waiter would park; here the
 * condition holds the waiter thread inside (2) until the master's pass is over, which is what a
 * park without a wake-up amounts to. The master runs one real duty cycle: drain (copies the frame),
 * sync if a waiter asked (the {@code FileSyncer} seam records the synced end), publish the durable
 * position (volatile store), then, if the queue is not empty (volatile read), evaluate each
 * waiter's condition and wake those it satisfies; the condition records an evaluation that returns
 * true on the master thread: that is the wake-up.
 *
 * <p>No lost wake-up (Dekker): waiter "enqueue; re-read durable", master "store durable; read
 * queue". Under sequential consistency of volatiles one of them sees the other: either the
 * waiter's re-check sees the record durable, or the master's scan sees the waiter and wakes it.
 * Never durable-after-the-pass with neither. And any observation of "durable" by the waiter must
 * find the sync covering the record's frame already complete (syncedTo >= frame end).
 *
 * <p>Result: r1 = the waiter (0 re-check saw not durable, 1 re-check saw durable after a covering
 * sync, 2 durable already before enqueueing, -1 saw durable before the sync covering its frame,
 * -2 await threw); r2 = the master's scan woke the waiter (1) or not (0); r3 = after the pass
 * (arbiter): 1 ring durable and journal durableSequence 1, 0 neither, -1 they disagree.
 */
@JCStressTest
@Description("Durable watermark and waiters: no lost wake-up; durable is never observed before the covering sync.")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "master's pass read no sync request (waiter requested later): drained, not synced (policy NONE); waiter still waiting, its request makes the next pass sync")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "waiter enqueued before the master's pass: re-check before the durable store saw nothing, master synced, published and woke it")
@Outcome(id = "1, [01], 1", expect = ACCEPTABLE, desc = "waiter's re-check after the master's durable store: saw it durable itself (master's scan may also have evaluated it before the waiter left)")
@Outcome(id = "0, 0, 1", expect = FORBIDDEN, desc = "LOST WAKE-UP: record durable after the pass, the waiter's re-check missed it and the master's scan missed the waiter")
@Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "waiter observed its record durable before the sync covering its frame had completed")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "durable before the waiter enqueued: under policy NONE nothing may be synced before a request")
@Outcome(expect = FORBIDDEN, desc = "anything else: await threw, or ring and journal durable watermarks disagree")
@State
public class DurabilityWaiterTest {
    static final int LENGTH = 24;

    final MasterRig rig = new MasterRig(1, 1024, SyncPolicy.none());
    final StagingRing ring;
    final long position;
    final long frameEnd;

    volatile Thread waiterThread;
    volatile boolean masterDone;
    volatile boolean masterWoke;
    // waiter-thread only
    int evaluations;
    boolean sawBeforeSync;

    public DurabilityWaiterTest() {
        ring = Rings.newPoolRing(rig.pool);
        position = Rings.append(ring, LENGTH, (byte) 0x5A);
        frameEnd = rig.sliceStart + FrameDescriptor.frameLength(LENGTH);
    }

    /** The condition Journal.awaitDurable passes to Master.await, with the instrumentation described above. */
    final BooleanSupplier condition = this::evaluate;

    private boolean evaluate() {
        final boolean durable = ring.durablePositionVolatile() >= position; // volatile load
        if (Thread.currentThread() != waiterThread) {
            // The master's DurabilityWaiters.wakeSatisfied: true here means the waiter is woken next.
            if (durable) {
                masterWoke = true;
            }
            return durable;
        }
        evaluations++;
        if (durable && rig.syncedTo < frameEnd) {
            sawBeforeSync = true; // durable seen, but the sync that covers the frame has not completed
        }
        if (evaluations == 2 && !durable) {
            // Master.await would park now. Stay "parked" until the master's pass is over: if the
            // pass did not see this waiter, nothing will wake it (that is the lost wake-up).
            while (!masterDone) {
                Thread.onSpinWait();
            }
        }
        return durable;
    }

    @Actor
    public void waiter(III_Result r) {
        waiterThread = Thread.currentThread();
        try {
            // timeout 0: pre-check, enqueue, request sync, re-check, and return (never parks)
            final boolean durable = rig.master.await(condition, 0);
            if (sawBeforeSync) {
                r.r1 = -1;
            } else if (!durable) {
                r.r1 = 0;
            } else {
                r.r1 = evaluations == 1 ? 2 : 1;
            }
        } catch (Throwable t) {
            r.r1 = -2;
        }
    }

    @Actor
    public void master() {
        try {
            rig.doWork(); // drain, sync if requested, publish durable, scan waiters
        } finally {
            masterDone = true;
        }
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = masterWoke ? 1 : 0;
        final boolean ringDurable = ring.durablePositionVolatile() >= position;
        final boolean journalDurable = rig.master.durableSequence() >= 1;
        r.r3 = ringDurable && journalDurable ? 1 : !ringDurable && !journalDurable ? 0 : -1;
    }
}
