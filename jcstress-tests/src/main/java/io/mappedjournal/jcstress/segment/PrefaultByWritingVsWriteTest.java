package io.mappedjournal.jcstress.segment;

import io.mappedjournal.jcstress.support.SharedSegment;
import io.mappedjournal.jcstress.support.TestDirs;
import io.mappedjournal.segment.Segment;
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

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The prefault for kernels without MADV_POPULATE_WRITE ({@link Segment#prefaultByWriting}, the
 * preallocator's fallback when {@link Segment#prefault} is refused) touches every page with a
 * write. On a production {@link Segment} (tmpfs file, 3 pages, not prefaulted): the master stores
 * a word at the start of page 1 (release store, as a frame's commit word; frames are 8-byte
 * aligned, so one can start on a page boundary), exactly the bytes the fallback touches in that
 * page, while the fallback prefaults the whole mapping.
 *
 * <p>The fallback must never lose or zero a store of the master's, whichever touches the page
 * first. The preallocator runs it before handing the segment over, so in the journal the two do
 * not overlap today; this test holds the fallback to what {@link PrefaultVsWriteTest} holds
 * MADV_POPULATE_WRITE to (contents unchanged, whatever runs beside it), so that the hand-over
 * order is not all that keeps the master's bytes. The fallback's first form, a plain store of a
 * zero byte per page, failed here (the word partly zeroed in about a third of the samples).
 *
 * <p>Result: r1 = the word read back after both (1 the master's value, 0 zeroed, -1 partly
 * zeroed or otherwise wrong); r2 = the pages the fallback found already written (and left as they
 * were): 1 if the master's store came first.
 */
@JCStressTest
@Description("The write-based prefault fallback racing the master's store into the same page never loses the store.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "fallback touched page 1 first (its fault, the page's zero left zero), then the master's store landed on the resident page: intact")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "master's store first (it took the page fault, or both faulted at once and the master won), the fallback found the word written and left it: intact")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "the master's store was lost: the fallback wrote the page's old zero over it")
@Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "the master's store was partly zeroed: the fallback's write landed on some of its bytes")
@Outcome(expect = FORBIDDEN, desc = "anything else: a count of pages found written that no store explains")
@State
public class PrefaultByWritingVsWriteTest {
    static final int LENGTH = 3 * 4096;
    static final long WORD_OFFSET = 4096;
    static final int VALUE = 0x5eed_f00d; // every byte non-zero: a zeroed byte shows
    static final PosixAPI POSIX = PosixAPI.posix();

    final Path dir = TestDirs.newDir("mj-prefault-write-");
    final Segment segment;

    public PrefaultByWritingVsWriteTest() {
        try {
            segment = Segment.prepare(dir, 0, LENGTH, POSIX);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Actor
    public void master() {
        segment.store().writeOrderedInt(WORD_OFFSET, VALUE);
    }

    @Actor
    public void preallocator(II_Result r) {
        r.r2 = segment.prefaultByWriting();
    }

    @Arbiter
    public void arbiter(II_Result r) {
        final int word = segment.store().readVolatileInt(WORD_OFFSET);
        r.r1 = word == VALUE ? 1 : word == 0 ? 0 : -1;
        segment.close();
        SharedSegment.deleteTree(dir);
    }
}
