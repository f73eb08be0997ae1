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
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Issue 4, test 6: {@code JournalWriter.append} racing {@code Journal.close()}, on a real journal
 * (its own directory, its own master thread, sync policy NONE so only close syncs).
 *
 * <p>The protocol: append checks the state is OPEN, claims, writes, publishes with a volatile tail
 * store (a full fence) and re-reads the state. Close stores CLOSING, then stops the master, whose
 * last pass drains every ring, syncs, and marks CLOSED. If the appender's re-read still sees OPEN,
 * its tail store came before CLOSING, hence before the final drain: the record lands. If it sees
 * CLOSING, it waits for CLOSED and asks whether the final drain reached its record
 * ({@code publishRacingClose}): a receipt if so, "append raced close and was not written" if not.
 *
 * <p>Result: r1 = append (1 receipt; 0 refused before publishing, "journal is closing/closed"; 2
 * refused after publishing, "raced close and was not written"; -1 other exception); r2 = close
 * returned normally (1) or threw (-1); r3 = records with the appended payload found by a reader
 * of the closed journal; r4 = for a receipt, {@code isDurable} after close (1 yes, -1 no), else 0.
 */
@JCStressTest
@Description("Close vs append: an append racing close lands (and is durable after close) or fails with the closed error, never vanishes.")
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "append published before close's final drain (state OPEN after its tail store, or raced and the final drain reached it): in the journal, durable")
@Outcome(id = "0, 1, 0, 0", expect = ACCEPTABLE, desc = "append started after close stored CLOSING: refused with JournalClosedException before claiming, nothing written")
@Outcome(id = "2, 1, 0, 0", expect = ACCEPTABLE, desc = "append published after the final drain had read its ring: refused with 'raced close and was not written', and indeed not in the journal")
@Outcome(id = "1, 1, 0, .*", expect = FORBIDDEN, desc = "SILENT LOSS: append returned a receipt but the record is not in the closed journal")
@Outcome(id = "1, 1, 1, -1", expect = FORBIDDEN, desc = "append returned a receipt, the record landed, but it is not durable after close")
@Outcome(id = "[02], 1, 1, .*", expect = FORBIDDEN, desc = "append was refused but its record is in the journal (a retry would duplicate it)")
@Outcome(expect = FORBIDDEN, desc = "anything else: an unexpected exception from append or close, or a duplicated record")
@State
public class CloseVsAppendTest {
    static final byte[] PAYLOAD = filled(16, (byte) 0x42);

    final Path dir = TestDirs.newDir("mj-close-");
    final Journal journal;
    final JournalWriter writer;
    long receipt = -1;

    public CloseVsAppendTest() {
        journal = SmallJournals.open(SmallJournals.config(dir, 2));
        writer = journal.openWriter(); // an explicit handle: usable from the appender actor's thread
    }

    @Actor
    public void appender(IIII_Result r) {
        try {
            receipt = writer.append(PAYLOAD);
            r.r1 = 1;
        } catch (JournalClosedException e) {
            r.r1 = e.getMessage().contains("raced close") ? 2 : 0;
        } catch (RuntimeException e) {
            r.r1 = -1;
        }
    }

    @Actor
    public void closer(IIII_Result r) {
        try {
            journal.close();
            r.r2 = 1;
        } catch (IOException | RuntimeException e) {
            r.r2 = -1;
        }
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
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

    static byte[] filled(int n, byte b) {
        final byte[] a = new byte[n];
        Arrays.fill(a, b);
        return a;
    }
}
