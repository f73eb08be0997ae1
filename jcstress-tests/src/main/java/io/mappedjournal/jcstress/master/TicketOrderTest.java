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
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.List;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Total order ({@code Ordering.TOTAL}): the ticket hand-off between a producer and the master.
 * A producer takes its ticket from the shared counter and writes it into its staging record's
 * header before the tail store (release); the master's merge reads each ring's tail (acquire),
 * then the ticket, and writes only the next ticket in sequence.
 *
 * <p>Setup on a production {@link io.mappedjournal.master.Master} (total order) over a
 * production pool of two rings: producer A took ticket 0 but has not published; producer B took
 * ticket 1 and published its record (payload 'B'). The actors: A publishes ticket 0 (payload 'A'),
 * while the master runs one pass. The arbiter runs one more pass and reads the segment.
 *
 * <p>Whatever the interleaving, the journal holds A's record then B's: the master never writes
 * ticket 1 before ticket 0, and never skips ticket 0.
 *
 * <p>Result: r1 = records written by the master actor's pass (0 or 2); r2 = the journal after the
 * arbiter's pass, as the payloads' first bytes in order ('A' = 65, 'B' = 66): 6566 for A then B.
 */
@JCStressTest
@Description("Total order: the master writes ticket 0 before ticket 1, whichever of A's publish and the pass comes first.")
@Outcome(id = "0, 6566", expect = ACCEPTABLE, desc = "pass before A's tail store: it stops at the hole (ticket 0 unpublished) and writes nothing, not even B's ticket 1; the next pass writes A then B")
@Outcome(id = "2, 6566", expect = ACCEPTABLE, desc = "pass after A's tail store: it sees ticket 0 in A's header (released by the tail store) and writes A then B")
@Outcome(id = "1, .*", expect = FORBIDDEN, desc = "the pass wrote one record: B's ticket 1 jumped the hole, or A's record was seen without its ticket")
@Outcome(expect = FORBIDDEN, desc = "wrong order or a record lost or duplicated in the journal")
@State
public class TicketOrderTest {
    final TicketSource.SharedCounter tickets = new TicketSource.SharedCounter();
    final MasterRig rig = new MasterRig(2, 1024, SyncPolicy.none(), tickets);
    final StagingRing a;
    final StagingRing b;
    final long indexA;
    final long ticketA;

    public TicketOrderTest() {
        final Rings.PoolHandle pool = new Rings.PoolHandle(rig.pool);
        a = pool.acquire0();
        b = pool.acquire0();
        indexA = a.tryClaim(8);
        Rings.fill(a.buffer(), indexA, 8, (byte) 'A');
        ticketA = tickets.take(); // A took ticket 0 and was descheduled
        final long indexB = b.tryClaim(8);
        Rings.fill(b.buffer(), indexB, 8, (byte) 'B');
        b.commit(tickets.take()); // B published ticket 1
    }

    @Actor
    public void producerA() {
        a.commit(ticketA); // ticket into the header, then the tail store (release)
    }

    @Actor
    public void master(II_Result r) {
        r.r1 = rig.doWork();
    }

    @Arbiter
    public void arbiter(II_Result r) {
        rig.doWork();
        final List<Integer> frames = rig.framesInSlice();
        int code = 0;
        for (int f : frames) {
            code = code * 100 + f;
        }
        r.r2 = frames.size() == 2 ? code : -frames.size();
    }
}
