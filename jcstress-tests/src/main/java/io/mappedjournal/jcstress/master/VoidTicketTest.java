package io.mappedjournal.jcstress.master;

import io.mappedjournal.jcstress.support.MasterRig;
import io.mappedjournal.jcstress.support.Rings;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.TicketSource;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.util.List;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Total order, a failed append's ticket (issue 11, suspected 8): an append that throws after
 * taking its global ticket publishes a void record ({@link StagingRing#publishVoid}, ticket stored
 * as {@code -(ticket + 2)}); the master's ticket-order drain takes the void record's ticket without
 * writing it, so later tickets are not stalled behind a hole.
 *
 * <p>Setup on a production {@link io.mappedjournal.master.Master} (total order) over a production
 * pool of two rings: producer A claimed 8 bytes (filled with 'A') and took ticket 0; producer B
 * claimed 8 bytes ('B') and took ticket 1. The actors: A's commit throws between taking the ticket
 * and stamping it (the ring's {@code beforeTicketStampForTest} seam) and, as
 * {@code TicketSource.SharedCounter.publish} does, publishes the claim as void in its finally; the other
 * actor publishes B's ticket 1 and then runs one master pass (the master's drain in the same actor,
 * since a third actor is unschedulable on 2 CPUs). The arbiter runs one more pass and reads the segment.
 *
 * <p>Result: r1 = records written by the master actor's pass (0 or 1); r2 = 1 if that pass had used
 * up A's slot (A's ring consumed past the void record); r3 = the journal after the arbiter's pass,
 * the payloads' first bytes concatenated ('A' = 65, 'B' = 66; 0 = empty): 66 for B alone;
 * r4 = 1 if, after the arbiter's pass, both rings are consumed to the end of their records.
 */
@JCStressTest
@Description("Total order: a void ticket 0 is used up, never written, and never stalls ticket 1.")
@Outcome(id = "0, 0, 66, 1", expect = ACCEPTABLE, desc = "pass before A's void tail store: it stops at the hole (ticket 0 unpublished) and writes nothing, not even B's published ticket 1; the arbiter's pass takes the void ticket 0 and writes B")
@Outcome(id = "1, 1, 66, 1", expect = ACCEPTABLE, desc = "pass after A's void tail store: it sees -(0+2) in A's header (released by the tail store), takes ticket 0 without writing it, then writes B")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "ticket 1 (B) written before ticket 0's slot was used up: B jumped the hole")
@Outcome(id = "0, 1, .*", expect = FORBIDDEN, desc = "the pass used up the void ticket 0 but stopped before B's ticket 1, published before the pass")
@Outcome(id = ".*, .*, 6566, .*", expect = FORBIDDEN, desc = "the void record written as data ('A'): its ticket stamp lost, or A's tail seen before the void stamp (a stale ticket 0)")
@Outcome(id = ".*, .*, 0, .*", expect = FORBIDDEN, desc = "the drain stalled: after both published, not even the arbiter's pass wrote B (ticket 0 never published, void or otherwise)")
@Outcome(expect = FORBIDDEN, desc = "anything else: a record lost, duplicated or reordered, or a ring not consumed to its end")
@State
public class VoidTicketTest {
    /** Thrown by the seam, as a stack overflow at the commit call would; preallocated (no stack walk per sample). */
    private static final StackOverflowError INJECTED =
            new StackOverflowError("injected between taking ticket 0 and publishing it");

    final TicketSource.SharedCounter tickets = new TicketSource.SharedCounter();
    final MasterRig rig = new MasterRig(2, 1024, SyncPolicy.none(), tickets);
    final StagingRing a;
    final StagingRing b;
    final long ticketA;
    final long ticketB;
    /** The end of an 8-byte record at position 0: where each ring must be consumed to in the end. */
    final long recordEnd;

    public VoidTicketTest() {
        final Rings.PoolHandle pool = new Rings.PoolHandle(rig.pool);
        a = pool.acquire0();
        b = pool.acquire0();
        Rings.fill(a.buffer(), a.tryClaim(8), 8, (byte) 'A');
        ticketA = tickets.take(); // A took ticket 0
        a.beforeTicketStampForTest(() -> {
            throw INJECTED;
        });
        Rings.fill(b.buffer(), b.tryClaim(8), 8, (byte) 'B');
        ticketB = tickets.take(); // B took ticket 1, not yet published
        // Same 8-byte record layout in both rings: B's claim end is A's too.
        recordEnd = io.mappedjournal.format.StagingDescriptor.recordLength(8);
    }

    @Actor
    public void producerA() {
        // TicketSource.SharedCounter.publish's shape: the commit throws, the finally publishes the void record.
        boolean published = false;
        try {
            a.commit(ticketA);
            published = true;
        } catch (StackOverflowError expected) {
            // the append would rethrow it to its caller
        } finally {
            if (!published) {
                a.publishVoid(ticketA); // -(0 + 2) into the header, then the tail store (volatile)
            }
        }
    }

    @Actor
    public void producerBThenMaster(IIII_Result r) {
        b.commit(ticketB); // ticket 1 into the header, then the tail store (volatile)
        r.r1 = rig.doWork(); // the master's pass: tail loads (acquire), then the tickets
        r.r2 = a.consumedPosition() == recordEnd ? 1 : 0; // master thread: plain field of this pass
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        rig.doWork();
        final List<Integer> frames = rig.framesInSlice();
        int code = 0;
        for (int f : frames) {
            code = code * 100 + f;
        }
        r.r3 = code;
        r.r4 = a.consumedPosition() == recordEnd && a.drainedPosition() == recordEnd
                && b.consumedPosition() == recordEnd && b.drainedPosition() == recordEnd ? 1 : 0;
    }
}
