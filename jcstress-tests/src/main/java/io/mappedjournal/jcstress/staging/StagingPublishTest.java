package io.mappedjournal.jcstress.staging;

import io.mappedjournal.jcstress.support.Rings;
import io.mappedjournal.staging.StagingRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Issue 4, test 1 (no wrap): the producer's {@link StagingRing#tryClaim}/{@link StagingRing#commit}
 * against the master's {@link StagingRing#drain}. The producer writes the record header (in
 * tryClaim) and 24 payload bytes with plain stores, then publishes with the volatile tail store;
 * the master's drain reads the tail with an acquire load and only then the header and payload.
 * A master that sees the new tail must therefore see the whole record.
 */
@JCStressTest
@Description("Staging ring publish/consume: a drain that sees a record sees all of its bytes.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "master drains before the producer's tail store: sees no record")
@Outcome(id = "1, 24", expect = ACCEPTABLE, desc = "master drains after the producer's tail store: sees the record with all 24 payload bytes")
@Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "master saw the new tail but a stale record header (drain threw on a corrupt type or length): header not released by the tail store")
@Outcome(expect = FORBIDDEN, desc = "master saw the record but not all 24 bytes (stale zeros): payload not released by the tail store")
@State
public class StagingPublishTest {
    static final int LENGTH = 24;
    static final byte VALUE = 0x5A;

    final StagingRing ring = Rings.newRing(1024);

    @Actor
    public void producer() {
        final long index = ring.tryClaim(LENGTH); // plain stores of the record header
        Rings.fill(ring.buffer(), index, LENGTH, VALUE); // plain stores of the payload
        ring.commit(); // volatile store of tail: releases header and payload
    }

    @Actor
    public void master(II_Result r) {
        final int[] seen = {0, 0};
        try {
            // drain: acquire load of tail, then plain reads of header and payload
            r.r1 = ring.drain((rg, index, length) -> {
                seen[0] = length == LENGTH ? Rings.countEqual(rg.buffer(), index, LENGTH, VALUE) : -length;
            });
            r.r2 = seen[0];
        } catch (RuntimeException e) {
            r.r1 = -1;
            r.r2 = 0;
        }
    }
}
