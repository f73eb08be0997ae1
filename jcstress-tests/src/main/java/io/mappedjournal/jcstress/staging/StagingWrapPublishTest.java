package io.mappedjournal.jcstress.staging;

import io.mappedjournal.jcstress.support.Rings;
import io.mappedjournal.staging.StagingRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Issue 4, test 1 (across the wrap): as {@link StagingPublishTest}, but the record does not fit
 * before the ring's end. Setup (one thread, before the actors): two filler records of 0xA5 bytes
 * are published and drained, leaving tail = head = 1008 in a 1024-byte ring, so 16 bytes remain
 * before the end. The producer's 24-byte record (40 with its 16-byte header) then makes
 * {@link StagingRing#tryClaim} write a padding record at index 1008 and the record at index 0,
 * both over the fillers' old bytes; one volatile tail store (1008 -> 1064) publishes both.
 * A master that sees the new tail must see the padding header (else drain reads 0xA5A5A5A5 as a
 * length and fails), the record header and all 24 new bytes (never the old 0xA5).
 */
@JCStressTest
@Description("Staging ring publish/consume across the wrap: padding record plus record at index 0, over old bytes.")
@Outcome(id = "0, 0, 1008", expect = ACCEPTABLE, desc = "master drains before the producer's tail store: sees nothing, head stays at 1008")
@Outcome(id = "1, 24, 1064", expect = ACCEPTABLE, desc = "master drains after the tail store: skips the padding, sees the wrapped record with all 24 new bytes, head 1064")
@Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "master saw the new tail but a stale padding or record header (drain threw): headers not released by the tail store")
@Outcome(expect = FORBIDDEN, desc = "master saw the wrapped record but some of its bytes were the old 0xA5 filler: payload not released by the tail store")
@State
public class StagingWrapPublishTest {
    static final int CAPACITY = 1024;
    static final int LENGTH = 24;
    static final byte NEW = 0x5A;
    static final byte OLD = (byte) 0xA5;

    final StagingRing ring = Rings.newRing(CAPACITY);

    public StagingWrapPublishTest() {
        // Setup, single-threaded: records of 512 and 496 bytes (payloads 496 and 480 after the
        // 16-byte record header), drained.
        final int header = io.mappedjournal.format.StagingDescriptor.RECORD_HEADER_LENGTH;
        Rings.append(ring, 512 - header, OLD);
        Rings.append(ring, 496 - header, OLD);
        ring.drain((rg, index, length) -> { });
        if (ring.producerPosition() != 1008 || ring.drainedPosition() != 1008) {
            throw new IllegalStateException("setup: expected tail = head = 1008");
        }
    }

    @Actor
    public void producer() {
        final long index = ring.tryClaim(LENGTH); // padding header at 1008, record header at 0 (plain)
        Rings.fill(ring.buffer(), index, LENGTH, NEW); // payload at 16..40 (plain)
        ring.commit(); // volatile tail store 1064: releases both headers and the payload
    }

    @Actor
    public void master(III_Result r) {
        final int[] seen = {0};
        try {
            r.r1 = ring.drain((rg, index, length) -> {
                seen[0] = length == LENGTH ? Rings.countEqual(rg.buffer(), index, LENGTH, NEW) : -length;
            });
            r.r2 = seen[0];
            r.r3 = (int) ring.drainedPosition();
        } catch (RuntimeException e) {
            r.r1 = -1;
        }
    }
}
