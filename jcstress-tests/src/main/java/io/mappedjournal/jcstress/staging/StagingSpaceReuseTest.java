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
 * Issue 4, test 2: a producer never overwrites staging bytes the master has not finished copying.
 * Setup: the 1024-byte ring is full with two published records, A (496 bytes of 0x11, 512 with its
 * header) at index 0 and B (496 bytes of 0x22) at index 512; nothing drained yet. The producer then tries to claim
 * 496 bytes: there is room only once the master's head moves past A. If the claim succeeds it
 * fills the space (index 16, inside A's old payload) with 0x33 and commits. The master drains,
 * copying A and B byte by byte. Drain copies everything first and only then release-stores the
 * head; the producer's tryClaim acquire-loads the head. So a successful claim may only write
 * after the copy finished: the master's copies of A and B are always intact.
 */
@JCStressTest
@Description("Staging space reuse: a producer's claim never overwrites bytes the master is still copying.")
@Outcome(id = "0, 2", expect = ACCEPTABLE, desc = "producer claims before the master's head release store: ring full, claim refused; master copies A and B intact")
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "producer claims after the master's head release store: claim succeeds and overwrites A's old space; master had copied A and B intact")
@Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "producer's claim threw or landed in the wrong place")
@Outcome(expect = FORBIDDEN, desc = "master's copy of A or B contained the producer's new 0x33 bytes (r2 = -bytes corrupted): space reused before the copy finished")
@State
public class StagingSpaceReuseTest {
    /** 512-byte records: two fill the 1024-byte ring. */
    static final int LENGTH = 512 - io.mappedjournal.format.StagingDescriptor.RECORD_HEADER_LENGTH;
    static final int PAYLOAD_INDEX = io.mappedjournal.format.StagingDescriptor.RECORD_HEADER_LENGTH;
    static final byte A = 0x11;
    static final byte B = 0x22;
    static final byte C = 0x33;

    final StagingRing ring = Rings.newRing(1024);

    public StagingSpaceReuseTest() {
        Rings.append(ring, LENGTH, A);
        Rings.append(ring, LENGTH, B);
    }

    @Actor
    public void producer(II_Result r) {
        try {
            final long index = ring.tryClaim(LENGTH); // acquire load of head if the cached one is short
            if (index == StagingRing.INSUFFICIENT_CAPACITY) {
                r.r1 = 0;
                return;
            }
            if (index != PAYLOAD_INDEX) {
                r.r1 = -1;
                return;
            }
            Rings.fill(ring.buffer(), index, LENGTH, C); // plain stores into A's old space
            ring.commit();
            r.r1 = 1;
        } catch (RuntimeException e) {
            r.r1 = -1;
        }
    }

    @Actor
    public void master(II_Result r) {
        final int[] corrupted = {0};
        final int records = ring.drain((rg, index, length) -> {
            final byte expected = index == PAYLOAD_INDEX ? A : B;
            corrupted[0] += LENGTH - Rings.countEqual(rg.buffer(), index, LENGTH, expected);
        }); // ... then release store of head = 1024
        r.r2 = corrupted[0] > 0 ? -corrupted[0] : records;
    }
}
