package io.mappedjournal.jcstress.journal;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalClosedException;
import io.mappedjournal.JournalWriter;
import io.mappedjournal.RecordTooLargeException;
import io.mappedjournal.jcstress.support.SharedSegment;
import io.mappedjournal.jcstress.support.SmallJournals;
import io.mappedjournal.jcstress.support.TestDirs;
import io.mappedjournal.metrics.MetricsSnapshot;
import io.mappedjournal.policy.Backpressure;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Issue 4, test 7: the append counters (appended / dropped / rejected, {@code Journal.metrics()})
 * are exact when two threads hit them at once, on a real journal (maxWriters 1, BLOCK).
 *
 * <p>The counters live with the staging ring ({@code WriterCounters}) and are updated with a plain
 * read and an ordered store, which is exact only while one thread at a time updates them: the
 * ring's owner. Setup: writer A opens and closes (its ring is released and reclaimed by the
 * master), then writer B opens and gets the same ring (the pool has one). The actors: the thread
 * still holding the closed handle A appends (refused: "writer is closed", counted as rejected);
 * B's owner appends a record over maxRecordSize (refused, counted as rejected), then a valid one
 * (appended). Every attempt counts exactly once: rejected must grow by 2 and appended by 1.
 *
 * <p>Result: r1 = rejected delta, r2 = appended delta, r3 = dropped delta.
 */
@JCStressTest
@Description("Append counters under contention: a closed writer handle and the ring's new owner both refused at once, counts exact.")
@Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "both refusals and the append counted exactly once, whatever the interleaving of the closed handle and the new owner")
@Outcome(id = "1, 1, 0", expect = FORBIDDEN, desc = "LOST UPDATE: the closed handle's and the new owner's 'rejected' increments raced on the ring's counters and one was lost")
@Outcome(expect = FORBIDDEN, desc = "any other count: an attempt counted twice, not at all, or in the wrong counter")
@State
public class WriterCountersTest {
    final Path dir = TestDirs.newDir("mj-counters-");
    final Journal journal;
    final JournalWriter closedHandle;
    final JournalWriter owner;
    final MetricsSnapshot before;

    public WriterCountersTest() {
        journal = SmallJournals.open(SmallJournals.config(dir, 1).backpressure(Backpressure.BLOCK)
                .blockTimeout(Duration.ofSeconds(10)));
        closedHandle = journal.openWriter();
        closedHandle.close();
        owner = journal.openWriter(); // blocks until the master has reclaimed the only ring
        if (owner.ringId() != closedHandle.ringId()) {
            throw new IllegalStateException("setup: expected the ring to be reused");
        }
        before = journal.metrics();
    }

    @Actor
    public void closedWriter() {
        try {
            closedHandle.append(new byte[8]);
        } catch (JournalClosedException expected) {
            // counted as rejected
        }
    }

    @Actor
    public void newOwner() {
        try {
            owner.append(new byte[65]);
        } catch (RecordTooLargeException expected) {
            // counted as rejected
        }
        owner.append(new byte[8]);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        final MetricsSnapshot after = journal.metrics();
        r.r1 = (int) (after.rejected() - before.rejected());
        r.r2 = (int) (after.appended() - before.appended());
        r.r3 = (int) (after.dropped() - before.dropped());
        try {
            journal.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SharedSegment.deleteTree(dir);
    }
}
