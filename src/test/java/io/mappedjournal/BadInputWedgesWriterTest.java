package io.mappedjournal;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.policy.SyncPolicy;
import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Found by review: append(BytesStore, offset, length) claims ring space BEFORE it reads the source; when
 * the read throws (null store, range outside the store) the claim is never aborted, so every later
 * append of that writer (Journal.append uses the thread's writer) fails with "a claim is open on
 * this writer" although no claim API was used. README: "every bad input gets a clear one-line error".
 */
class BadInputWedgesWriterTest {
    @TempDir
    Path dir;

    private Journal open() throws Exception {
        return Journal.open(JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(4096)
                .syncPolicy(SyncPolicy.always()).build());
    }

    @Test
    void aNullBytesStoreDoesNotBreakTheThreadsLaterAppends() throws Exception {
        try (Journal j = open()) {
            assertThrows(NullPointerException.class, () -> j.append((BytesStore<?, ?>) null, 0, 5));
            final long r = assertDoesNotThrow(() -> j.append("after".getBytes()),
                    "a valid append after a rejected null BytesStore");
            assertTrue(j.awaitDurable(r, 10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aBytesStoreRangeOutOfBoundsIsRejectedNotJournaled() throws Exception {
        try (Journal j = open()) {
            final BytesStore<?, ?> four = BytesStore.wrap(new byte[]{1, 2, 3, 4});
            long receipt = -1;
            Throwable thrown = null;
            try {
                receipt = j.append(four, 0, 64); // 64 bytes from a 4-byte store
            } catch (RuntimeException e) {
                thrown = e;
            }
            String written = "nothing";
            if (receipt >= 0) {
                assertTrue(j.awaitDurable(receipt, 10, TimeUnit.SECONDS));
                try (io.mappedjournal.JournalReader r = j.reader(0)) {
                    final io.mappedjournal.JournalRecord rec = r.next();
                    written = rec == null ? "nothing" : "record " + rec.sequence() + " of " + rec.payload().length
                            + " bytes: " + java.util.Arrays.toString(rec.payload());
                }
            }
            assertTrue(thrown instanceof IndexOutOfBoundsException,
                    "append(BytesStore of 4 bytes, 0, 64) must be refused like append(byte[]) is (IndexOutOfBoundsException);"
                            + " it returned receipt " + receipt + " and the journal holds " + written);
        }
    }
}
