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
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The preallocator prefaults the rest of a segment while the master already writes it
 * ({@code SegmentPreallocator}: a segment is handed over once its head is prefaulted). On a
 * production {@link Segment} (tmpfs file, 3 pages, not yet prefaulted): the master stores a word
 * into page 1 through the mapping (release store, as a frame's commit word) while the preallocator
 * runs {@link Segment#prefault} (MADV_POPULATE_WRITE) over the whole mapping.
 *
 * <p>Populating must never replace a page the master already wrote, whichever comes first: the
 * master's fault, the populate, or both at once on the same page.
 *
 * <p>Result: r1 = the word read back after both (1 the master's value, 0 lost); r2 = 1 if the
 * prefault ran, 0 if the kernel refused MADV_POPULATE_WRITE.
 */
@JCStressTest
@Description("Prefault (MADV_POPULATE_WRITE) concurrent with the master's stores never loses a store.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "prefault before, during or after the master's store (its fault or the populate first, or both on the same page): the store survives")
@Outcome(id = "1, 0", expect = ACCEPTABLE_INTERESTING, desc = "kernel without MADV_POPULATE_WRITE: nothing prefaulted; the store survives (production then prefaults by writing, before hand-over)")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "the master's store was lost: the populate replaced a page the master had written")
@Outcome(expect = FORBIDDEN, desc = "anything else: a wrong value in the word")
@State
public class PrefaultVsWriteTest {
    static final int LENGTH = 3 * 4096;
    static final long WORD_OFFSET = 4096 + 64;
    static final int VALUE = 0x5eed_f00d;
    static final PosixAPI POSIX = PosixAPI.posix();

    final Path dir = TestDirs.newDir("mj-prefault-");
    final Segment segment;

    public PrefaultVsWriteTest() {
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
        r.r2 = segment.prefault(POSIX, 0, LENGTH) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(II_Result r) {
        final int word = segment.store().readVolatileInt(WORD_OFFSET);
        r.r1 = word == VALUE ? 1 : word == 0 ? 0 : -1;
        segment.close();
        SharedSegment.deleteTree(dir);
    }
}
