package io.mappedjournal.jcstress.journal;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalClosedException;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.JournalWriter;
import io.mappedjournal.jcstress.support.SharedSegment;
import io.mappedjournal.jcstress.support.SmallJournals;
import io.mappedjournal.jcstress.support.TestDirs;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Issue 14 item 2: {@link CloseVsAppendTest} with the appender's interrupt flag set before it
 * appends. An append that publishes while the journal is CLOSING waits for the master's final
 * answer ({@code publishRacingClose}); that wait used to throw at once on the interrupt flag, so
 * the append said "raced close and was not written" about a record the final drain then wrote.
 * The wait now ignores the interrupt and restores the flag.
 *
 * <p>Result: r1 = append (1 receipt; 0 refused before publishing, "journal is closing/closed"; 2
 * refused after publishing, "raced close and was not written"; -1 other exception); r2 = close
 * returned normally (1) or threw (-1); r3 = records with the appended payload found by a reader of
 * the closed journal; r4 = for a receipt, {@code isDurable} after close (1 yes, -1 no), else 0;
 * r5 = the appender's interrupt flag still set when append returned (1) or cleared (0).
 */
@JCStressTest
@Description("Close vs an interrupted append: the interrupt changes nothing: the append lands (durable) or is refused and absent, and the flag is kept.")
@Outcome(id = "1, 1, 1, 1, 1", expect = ACCEPTABLE, desc = "append published before close's final drain (state OPEN after its tail store, or it waited out the interrupt and the final drain reached it): in the journal, durable, flag kept")
@Outcome(id = "0, 1, 0, 0, 1", expect = ACCEPTABLE, desc = "append started after close stored CLOSING: refused before claiming, nothing written, flag kept")
@Outcome(id = "2, 1, 0, 0, 1", expect = ACCEPTABLE, desc = "append published after the final drain had read its ring: refused with 'raced close and was not written', indeed absent, flag kept")
@Outcome(id = "[02], 1, 1, .*", expect = FORBIDDEN, desc = "THE BUG: the interrupted wait gave up while CLOSING; the append was refused but the final drain wrote its record (a retry would duplicate it)")
@Outcome(id = "1, 1, 0, .*", expect = FORBIDDEN, desc = "SILENT LOSS: append returned a receipt but the record is not in the closed journal")
@Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "the append swallowed the caller's interrupt flag")
@Outcome(expect = FORBIDDEN, desc = "anything else: an unexpected exception from append or close, a duplicated record, a receipt not durable after close")
@State
public class CloseVsInterruptedAppendTest {
    static final byte[] PAYLOAD = CloseVsAppendTest.filled(16, (byte) 0x43);

    final Path dir = TestDirs.newDir("mj-close-int-");
    final Journal journal;
    final JournalWriter writer;
    long receipt = -1;

    public CloseVsInterruptedAppendTest() {
        journal = SmallJournals.open(SmallJournals.config(dir, 2));
        writer = journal.openWriter(); // an explicit handle: usable from the appender actor's thread
    }

    @Actor
    public void appender(IIIII_Result r) {
        Thread.currentThread().interrupt();
        try {
            receipt = writer.append(PAYLOAD);
            r.r1 = 1;
        } catch (JournalClosedException e) {
            r.r1 = e.getMessage().contains("raced close") ? 2 : 0;
        } catch (RuntimeException e) {
            r.r1 = -1;
        }
        r.r5 = Thread.interrupted() ? 1 : 0; // reads and clears: jcstress reuses its actor threads
    }

    @Actor
    public void closer(IIIII_Result r) {
        try {
            journal.close();
            r.r2 = 1;
        } catch (IOException | RuntimeException e) {
            r.r2 = -1;
        }
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
        int found = 0;
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            for (JournalRecord rec; (rec = reader.next()) != null; ) {
                final byte[] bytes = Arrays.copyOf(rec.payload(), rec.length());
                found += Arrays.equals(bytes, PAYLOAD) ? 1 : 100;
            }
        } catch (IOException | RuntimeException e) {
            found = -1;
        }
        r.r3 = found;
        r.r4 = receipt < 0 ? 0 : journal.isDurable(receipt) ? 1 : -1;
        SharedSegment.deleteTree(dir);
    }
}
