package io.mappedjournal.jcstress.segment;

import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.jcstress.support.Rings;
import io.mappedjournal.jcstress.support.SharedSegment;
import io.mappedjournal.jcstress.support.TestDirs;
import io.mappedjournal.manifest.ManifestStore;
import io.mappedjournal.master.DurabilityWaiters;
import io.mappedjournal.master.JournalState;
import io.mappedjournal.master.Master;
import io.mappedjournal.master.MasterMetrics;
import io.mappedjournal.policy.IdleStrategy;
import io.mappedjournal.policy.RollPolicy;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentLog;
import io.mappedjournal.segment.SegmentPreallocator;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.TicketSource;
import net.openhft.posix.PosixAPI;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Issue 4, test 5: segment roll against a tailing {@link JournalReader}, on real files. Each state
 * has its own directory with a production SegmentLog (4 KiB segments, the production
 * {@link SegmentPreallocator} preparing the next one on its own thread, the production
 * {@link ManifestStore}) driven by a production {@link Master}.
 *
 * <p>Setup: record 0 (3960 bytes) fills segment 0 to offset 4040, leaving 56 bytes; record 1
 * (48 bytes, a 64-byte frame) is published in the staging ring; the reader has read record 0 and
 * stands at offset 4040. The master's duty cycle drains record 1, which does not fit, so it rolls:
 * seal marker at 4040 (release store), sync, take the preallocated file, write and sync its header,
 * rename it to its final name, write the manifest, then frame record 1 at the new segment's data
 * offset (commit word last, release store). The reader's {@code next()} meets, depending on
 * timing: no seal yet (END: null), the seal but no file with the next name yet (null, retried),
 * the renamed file without record 1's commit word (END: null), or record 1.
 *
 * <p>A reader must never open the next segment before its header is complete (that would be a
 * CorruptJournalException), never read a recycled file's old frames, and lose no frame at the
 * boundary: after the master's pass, a later {@code next()} returns exactly record 1.
 *
 * <p>Result: r1 = the reader's {@code next()} during the roll (0 null, 1 record 1 intact, -1 a
 * wrong sequence, -2 wrong bytes, -3 threw); r2 = its {@code next()} calls after the pass (1 got
 * record 1 then nothing, 0 nothing, negative as r1).
 */
@JCStressTest
@Description("Segment roll vs reader: never an uninitialised or recycled segment, no frame lost at the boundary.")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "reader before the roll finished (no seal yet, or sealed but next segment not yet renamed, or record 1 not yet committed): null; afterwards it finds record 1 in the next segment")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "reader after the roll and record 1's commit: follows the seal, opens the next segment by name, reads record 1")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "frame lost at the boundary: record 1 never read")
@Outcome(id = "-3, .*", expect = FORBIDDEN, desc = "reader threw during the roll: opened an uninitialised segment or read a bad frame")
@Outcome(expect = FORBIDDEN, desc = "reader returned a wrong sequence or wrong bytes (a recycled or uninitialised segment), or failed afterwards")
@State
public class SegmentRollReaderTest {
    static final int SEGMENT = 4096;
    static final int FIRST = 3960;
    static final int SECOND = 48;
    static final FileSyncer NO_SYNC = (s, from, to) -> { }; // tmpfs; ordering, not durability, is under test
    static final MasterMetrics METRICS = new MasterMetrics();

    final Path dir = TestDirs.newDir("mj-roll-");
    final SegmentLog log;
    final Master master;
    final JournalReader reader;

    public SegmentRollReaderTest() {
        try {
            final PosixAPI posix = PosixAPI.posix();
            final Segment first = Segment.prepare(dir, 0, SEGMENT, posix);
            first.activate(new SegmentHeader(0, 0, SEGMENT, System.currentTimeMillis()), NO_SYNC);
            log = new SegmentLog(dir, SEGMENT, NO_SYNC, new SegmentPreallocator(dir, SEGMENT, posix, 1),
                    RollPolicy.whenFull(), ManifestStore.forWriting(dir, 0), Long.MAX_VALUE, List.of(), 0, first,
                    SegmentHeaderDescriptor.DATA_OFFSET, 0);
            final StagingPool pool = new StagingPool(1, 8192);
            master = new Master(pool, log, SyncPolicy.none(), IdleStrategy.busySpin(), new JournalState("jcstress"),
                    new DurabilityWaiters(Runnable::run), METRICS, Long.MAX_VALUE, TicketSource.NONE);
            final StagingRing ring = Rings.newPoolRing(pool);
            Rings.append(ring, FIRST, (byte) 0x11);
            master.doWork(); // record 0 framed at 64..4040
            reader = JournalReader.open(dir, 0);
            final JournalRecord r0 = reader.next();
            if (r0 == null || r0.sequence() != 0 || reader.next() != null) {
                throw new IllegalStateException("setup: reader should have read record 0 only");
            }
            Rings.append(ring, SECOND, (byte) 0x22); // record 1, published, not yet drained
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Actor
    public void master() {
        try {
            master.doWork(); // drain record 1 -> roll -> frame it in segment 1
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Actor
    public void reader(II_Result r) {
        r.r1 = read();
    }

    @Arbiter
    public void arbiter(II_Result r) {
        final int after = read();
        final int more = after < 0 ? 0 : read();
        r.r2 = after < 0 ? after : more != 0 ? -4 : after;
        reader.close();
        log.close();
        SharedSegment.deleteTree(dir);
    }

    /** 0: nothing; 1: record 1 intact; negative: wrong sequence, wrong bytes, exception. */
    private int read() {
        try {
            final JournalRecord rec = reader.next();
            if (rec == null) {
                return 0;
            }
            if (rec.sequence() != 1) {
                return -1;
            }
            if (rec.length() != SECOND) {
                return -2;
            }
            for (int i = 0; i < SECOND; i++) {
                if (rec.byteAt(i) != 0x22) {
                    return -2;
                }
            }
            return 1;
        } catch (IOException | RuntimeException e) {
            System.err.println("SegmentRollReaderTest: reader threw " + e); // shown in jcstress's VM error stream
            return -3;
        }
    }
}
