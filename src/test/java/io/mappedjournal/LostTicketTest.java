package io.mappedjournal;

import io.mappedjournal.policy.Ordering;
import io.mappedjournal.policy.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, suspected 8: under total order an append takes its ticket, then publishes its record.
 * An error between the two (a stack overflow at the call that stamps and publishes, for one) leaves
 * a ticket taken and never published: the master's ticket-order drain stops there, so every later
 * record of every writer stays unwritten, and flush never completes, until close. The seam throws
 * at exactly that point; later appends must still be written and flushed, and the failed one must
 * not appear.
 */
class LostTicketTest {
    @TempDir
    Path dir;

    @Test
    void anErrorAfterTakingATicketDoesNotStallLaterAppends() throws Exception {
        try (Journal journal = Journal.open(JournalConfig.builder(dir).ordering(Ordering.TOTAL)
                .syncPolicy(SyncPolicy.none()).build())) {
            journal.append(new byte[]{1});
            final JournalWriter w = journal.writer();
            w.ring().beforeTicketStampForTest(() -> {
                throw new StackOverflowError("injected between taking the ticket and publishing it");
            });
            assertThrows(StackOverflowError.class, () -> journal.append(new byte[]{2}));
            w.ring().beforeTicketStampForTest(null);

            final JournalWriter other = journal.openWriter();
            final long receipt = other.append(new byte[]{3});
            other.append(new byte[]{4});
            assertTrue(journal.flush(5, TimeUnit.SECONDS), "flush stalled behind the lost ticket: written="
                    + journal.writtenSequence());
            assertTrue(journal.isDurable(receipt));
            assertEquals(3, journal.writtenSequence(), "records 1, 3 and 4 written; the failed append is not");
            try (JournalReader r = journal.reader(0)) {
                assertArrayEquals(new byte[]{1}, r.next().payload());
                assertArrayEquals(new byte[]{3}, r.next().payload());
                assertArrayEquals(new byte[]{4}, r.next().payload());
                assertNull(r.next());
            }
            other.close();
            journal.append(new byte[]{5}); // the writer that failed is usable again: its claim was consumed
            assertTrue(journal.flush(5, TimeUnit.SECONDS));
            assertEquals(4, journal.writtenSequence());
        }
    }
}
