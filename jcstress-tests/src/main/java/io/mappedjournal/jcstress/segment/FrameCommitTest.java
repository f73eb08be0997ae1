package io.mappedjournal.jcstress.segment;

import io.mappedjournal.format.FrameDecoder;
import io.mappedjournal.format.FrameEncoder;
import io.mappedjournal.jcstress.support.Rings;
import io.mappedjournal.jcstress.support.SharedSegment;
import io.mappedjournal.staging.StagingRing;
import net.openhft.chronicle.bytes.MappedBytesStore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Issue 4, test 8: the frame commit word against a reader of the mapped segment. The master's
 * {@link FrameEncoder#encode} copies a 40-byte payload from a staging ring into the mapped
 * segment, writes CRC32C (over the segment's bytes) and sequence (plain stores), then the commit word
 * (payload length + 1) with a
 * release store. A {@link FrameDecoder#decode} on another thread reads the commit word with an
 * acquire load and, if non-zero, the rest. Each state gets a zeroed slice of one production
 * mapped {@code Segment} ({@link SharedSegment}).
 *
 * <p>Result: r1 = decode status (0 VALID, 1 END, 4 BAD_LENGTH, 5 BAD_CRC, 6 BAD_SEQUENCE);
 * r2 = payload bytes equal to what was written (40 when valid).
 */
@JCStressTest
@Description("Frame commit word vs reader: a reader that sees the commit sees the whole frame with a valid CRC.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "reader before the commit word's release store: END (no frame yet)")
@Outcome(id = "0, 40", expect = ACCEPTABLE, desc = "reader after the commit word: complete frame, CRC32C valid, sequence 7, all 40 payload bytes")
@Outcome(id = "5, .*", expect = FORBIDDEN, desc = "reader saw the commit word but stale payload/CRC bytes: CRC mismatch (commit not released last)")
@Outcome(id = "6, .*", expect = FORBIDDEN, desc = "reader saw the commit word but a stale sequence")
@Outcome(expect = FORBIDDEN, desc = "anything else: a torn or bad length, or a valid CRC over wrong bytes")
@State
public class FrameCommitTest {
    static final int LENGTH = 40;
    static final long SEQUENCE = 7;
    static final byte VALUE = 0x6B;

    final MappedBytesStore store = SharedSegment.get().segment.store();
    final long frameOffset = SharedSegment.get().slice();
    final StagingRing ring = Rings.newRing(1024);
    final long payloadIndex;
    final FrameEncoder encoder = new FrameEncoder();

    public FrameCommitTest() {
        encoder.attach(store);
        payloadIndex = ring.tryClaim(LENGTH);
        Rings.fill(ring.buffer(), payloadIndex, LENGTH, VALUE);
        ring.commit();
    }

    @Actor
    public void master() {
        // payload, then CRC (over the segment's bytes) and sequence: plain stores; then the commit
        // word (length + 1): release store
        encoder.encode(frameOffset, ring.buffer().addressForRead(payloadIndex), LENGTH, SEQUENCE);
    }

    @Actor
    public void reader(II_Result r) {
        final FrameDecoder decoder = new FrameDecoder();
        // commit word: acquire load; then CRC, sequence and payload
        final int status = decoder.decode(store, frameOffset, frameOffset + SharedSegment.SLICE, SEQUENCE);
        r.r1 = status;
        if (status == FrameDecoder.VALID) {
            int same = 0;
            for (int i = 0; i < decoder.length(); i++) {
                if (decoder.payload()[i] == VALUE) {
                    same++;
                }
            }
            r.r2 = decoder.length() == LENGTH ? same : -decoder.length();
        }
    }
}
