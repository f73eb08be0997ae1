package io.mappedjournal.jcstress.journal;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.JournalWriter;
import io.mappedjournal.jcstress.support.SharedSegment;
import io.mappedjournal.jcstress.support.SmallJournals;
import io.mappedjournal.jcstress.support.TestDirs;
import io.mappedjournal.policy.Backpressure;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Issue 4, test 4 (reused ring vs a stale claim): a claim taken before its writer closed must not
 * act on the ring once another writer owns it. Real journal, one staging ring (BLOCK).
 *
 * <p>Setup: writer A claims 8 bytes and closes (close aborts the claim and releases the ring);
 * writer B opens and gets the same ring. The actors: A's thread commits its stale claim object;
 * B's owner claims 16 bytes, fills them with 0x77 and commits. The ring is single-producer: only
 * B may publish, and only once B's bytes are written. The arbiter flushes and reads the journal.
 *
 * <p>Result: r1 = the stale commit (0 refused with an exception, 1 returned a receipt);
 * r2 = B's commit (1 receipt, -1 threw); r3 = the journal afterwards (1 exactly B's record, whole;
 * -1 a record with bytes B had not written yet; -2 not exactly one record).
 */
@JCStressTest
@Description("Reused ring vs a stale claim of its closed writer: the stale commit is refused and cannot publish the new owner's claim.")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "stale commit refused (its writer is closed), whether before, during or after B's claim; B's record lands whole")
@Outcome(id = "1, .*", expect = FORBIDDEN, desc = "the closed writer's stale commit returned a receipt: it published the ring's tail on behalf of the new owner (during B's claim: B's half-written record)")
@Outcome(id = ".*, -1, .*", expect = FORBIDDEN, desc = "the new owner's commit failed: the stale claim interfered with B's open claim")
@Outcome(expect = FORBIDDEN, desc = "r3 < 0: the journal holds a partly written record, or not exactly B's one record")
@State
public class StaleClaimTest {
    static final int LENGTH = 16;
    static final byte VALUE = 0x77;

    final Path dir = TestDirs.newDir("mj-stale-");
    final Journal journal;
    final JournalWriter.Claim stale;
    final JournalWriter owner;

    public StaleClaimTest() {
        journal = SmallJournals.open(SmallJournals.config(dir, 1).backpressure(Backpressure.BLOCK)
                .blockTimeout(Duration.ofSeconds(10)));
        final JournalWriter closed = journal.openWriter();
        stale = closed.claim(8);
        closed.close(); // aborts the claim, releases the ring
        owner = journal.openWriter(); // blocks until the master reclaims the only ring
    }

    @Actor
    public void staleWriter(III_Result r) {
        try {
            stale.commit();
            r.r1 = 1;
        } catch (RuntimeException e) {
            r.r1 = 0;
        }
    }

    @Actor
    public void newOwner(III_Result r) {
        try {
            final JournalWriter.Claim c = owner.claim(LENGTH);
            for (int i = 0; i < LENGTH; i++) {
                c.buffer().writeByte(c.offset() + i, VALUE);
            }
            c.commit(); // volatile tail store
            r.r2 = 1;
        } catch (RuntimeException e) {
            r.r2 = -1;
        }
    }

    @Arbiter
    public void arbiter(III_Result r) {
        int result = 1;
        int records = 0;
        try {
            journal.flush(10, TimeUnit.SECONDS);
            try (JournalReader reader = journal.reader(0)) {
                for (JournalRecord rec; (rec = reader.next()) != null; ) {
                    records++;
                    if (rec.length() != LENGTH) {
                        result = -1;
                        continue;
                    }
                    for (int i = 0; i < LENGTH; i++) {
                        if (rec.byteAt(i) != VALUE) {
                            result = -1;
                        }
                    }
                }
            }
            journal.close();
        } catch (IOException | RuntimeException | InterruptedException e) {
            result = -3;
        }
        r.r3 = result < 0 ? result : records == 1 ? 1 : -2;
        SharedSegment.deleteTree(dir);
    }
}
