package io.mappedjournal.examples.kv;

import io.mappedjournal.JournalLockedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KvStoreTest {
    @TempDir
    Path dir;

    /** Small segments (several rolls in the bigger tests); no automatic checkpoint unless asked. */
    static KvStore.Options.Builder options() {
        return KvStore.Options.builder().segmentSize(256 << 10).checkpointEvery(0).checkpointOnClose(false);
    }

    @Test
    void shouldPutGetAndDelete() throws Exception {
        try (KvStore store = KvStore.open(dir, options().build())) {
            assertNull(store.get("a"));
            store.put("a", "1");
            store.put("b", "2");
            store.put("a", "3");
            store.put("empty", "");
            store.put("ключ", "значение ✓");
            assertEquals("3", store.get("a"));
            assertEquals("2", store.get("b"));
            assertEquals("", store.get("empty"));
            assertEquals("значение ✓", store.get("ключ"));
            assertTrue(store.delete("b"));
            assertFalse(store.delete("b"), "second delete of the same key");
            assertFalse(store.delete("never"));
            assertNull(store.get("b"));
            assertEquals(Map.of("a", "3", "empty", "", "ключ", "значение ✓"), store.snapshot());
            assertEquals(3, store.size());
        }
    }

    @Test
    void shouldRebuildTheExactStateByReplayingTheJournal() throws Exception {
        final Map<String, String> expected = new HashMap<>();
        long changes = 0;
        try (KvStore store = KvStore.open(dir, options().build())) {
            for (int i = 0; i < 3_000; i++) {
                final String key = "k" + (i % 700);
                if (i % 7 == 3 && expected.containsKey(key)) {
                    assertTrue(store.delete(key));
                    expected.remove(key);
                } else {
                    final String value = "v" + i + "-" + "x".repeat(i % 40);
                    store.put(key, value);
                    expected.put(key, value);
                }
                changes++;
            }
            assertEquals(expected, store.snapshot());
        }
        try (KvStore store = KvStore.open(dir, options().build())) {
            assertEquals(new KvStore.OpenReport(0, 0, changes, changes, store.openReport().openNanos()),
                    store.openReport());
            assertEquals(expected, store.snapshot());
        }
    }

    @Test
    void shouldReplayOnlyTheRecordsAfterTheCheckpoint() throws Exception {
        final Map<String, String> expected = new HashMap<>();
        final Map<String, String> atCheckpoint;
        try (KvStore store = KvStore.open(dir, options().build())) {
            for (int i = 0; i < 50; i++) {
                store.put("k" + i, "v" + i);
                expected.put("k" + i, "v" + i);
            }
            assertTrue(store.delete("k7"));
            expected.remove("k7");
            assertEquals(51, store.checkpoint(), "the checkpoint covers sequences 0..50");
            assertEquals(51, store.checkpoint(), "nothing new: same checkpoint, not rewritten");
            assertEquals(1, store.checkpointsWritten());
            atCheckpoint = new HashMap<>(expected);
            for (int i = 40; i < 60; i++) {
                store.put("k" + i, "w" + i);
                expected.put("k" + i, "w" + i);
            }
            assertTrue(store.delete("k1"));
            expected.remove("k1");
        }
        try (KvStore store = KvStore.open(dir, options().build())) {
            final KvStore.OpenReport report = store.openReport();
            assertEquals(51, report.snapshotSequence());
            assertEquals(atCheckpoint.size(), report.snapshotEntries());
            assertEquals(21, report.replayedRecords(), "20 puts and 1 delete after the checkpoint");
            assertEquals(72, report.nextSequence());
            assertEquals(expected, store.snapshot());
            store.put("after", "reopen"); // the store goes on after a replay
            expected.put("after", "reopen");
        }
        try (KvStore store = KvStore.open(dir, options().build())) {
            assertEquals(22, store.openReport().replayedRecords());
            assertEquals(expected, store.snapshot());
        }
    }

    @Test
    void shouldCheckpointOnCloseSoTheNextOpenReplaysNothing() throws Exception {
        try (KvStore store = KvStore.open(dir, options().checkpointOnClose(true).build())) {
            for (int i = 0; i < 10; i++) {
                store.put("k" + i, "v" + i);
            }
        }
        try (KvStore store = KvStore.open(dir, options().build())) {
            assertEquals(new KvStore.OpenReport(10, 10, 0, 10, store.openReport().openNanos()), store.openReport());
            assertEquals("v9", store.get("k9"));
        }
    }

    @Test
    void shouldCheckpointInTheBackgroundEveryNChanges() throws Exception {
        try (KvStore store = KvStore.open(dir, options().checkpointEvery(10).build())) {
            for (int i = 0; i < 35; i++) {
                store.put("k" + i, "v" + i);
            }
            // Once changes stop, fewer than checkpointEvery (10) come after the last checkpoint.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (store.checkpointSequence() < 26 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(store.checkpointSequence() >= 26 && store.checkpointSequence() <= 35,
                    "the last background checkpoint leaves < 10 changes after it: checkpointSequence="
                            + store.checkpointSequence());
            assertTrue(store.checkpointsWritten() >= 1, "checkpointsWritten=" + store.checkpointsWritten());
        }
        try (KvStore store = KvStore.open(dir, options().build())) {
            final KvStore.OpenReport report = store.openReport();
            assertTrue(report.snapshotSequence() >= 26, report.toString());
            assertEquals(35 - report.snapshotSequence(), report.replayedRecords(), report.toString());
            assertEquals(35, store.size());
        }
    }

    /**
     * Concurrent writers on the same keys: the state replayed from the journal must be exactly the
     * live state, which holds only if changes are applied in journal order.
     */
    @Test
    void shouldReplayTheSameStateAfterConcurrentChangesToTheSameKeys() throws Exception {
        final Map<String, String> live;
        try (KvStore store = KvStore.open(dir, options().checkpointEvery(500).build())) {
            final List<Thread> threads = new ArrayList<>();
            final List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                final int id = t;
                final Thread th = new Thread(() -> {
                    try {
                        for (int n = 0; n < 1_000; n++) {
                            final String key = "k" + (n % 37);
                            if (n % 11 == 5) {
                                store.delete(key);
                            } else {
                                store.put(key, "t" + id + "-" + n);
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            assertEquals(List.of(), errors);
            live = store.snapshot();
        }
        try (KvStore store = KvStore.open(dir, options().build())) {
            assertEquals(live, store.snapshot(), "replayed state = live state; " + store.openReport());
        }
    }

    @Test
    void shouldRejectAnOversizedEntryWithoutChangingAnything() throws Exception {
        try (KvStore store = KvStore.open(dir, options().build())) {
            store.put("a", "1");
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> store.put("big", "x".repeat(64 << 10)));
            assertEquals("entry too large: recordBytes=65542 maxRecordSize=65536", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.put("k".repeat(70_000), "v"));
            assertEquals(Map.of("a", "1"), store.snapshot());
        }
        try (KvStore store = KvStore.open(dir, options().build())) {
            assertEquals(1, store.openReport().replayedRecords());
            assertEquals(Map.of("a", "1"), store.snapshot());
        }
    }

    @Test
    void shouldRefuseChangesAfterCloseAndASecondOpen() throws Exception {
        final KvStore store = KvStore.open(dir, options().build());
        final JournalLockedException locked = assertThrows(JournalLockedException.class,
                () -> KvStore.open(dir, options().build()));
        assertTrue(locked.getMessage().startsWith("journal is already open in this process"), locked.getMessage());
        store.close();
        store.close(); // idempotent
        final KvStoreException e = assertThrows(KvStoreException.class, () -> store.put("a", "1"));
        assertEquals("store is closed: dir=" + dir, e.getMessage());
        assertEquals("store is closed: dir=" + dir, assertThrows(KvStoreException.class, store::checkpoint).getMessage());
        assertEquals("store is closed: dir=" + dir,
                assertThrows(KvStoreException.class, () -> store.delete("a")).getMessage());
    }

    @Test
    void shouldRefuseACorruptSnapshotWithAClearMessage() throws Exception {
        try (KvStore store = KvStore.open(dir, options().build())) {
            store.put("a", "1");
            store.checkpoint();
        }
        final Path file = dir.resolve("snapshot");
        final byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 6] ^= 1; // inside the value
        Files.write(file, bytes);
        final KvStoreException e = assertThrows(KvStoreException.class, () -> KvStore.open(dir, options().build()));
        assertTrue(e.getMessage().startsWith("corrupt snapshot: file=" + file + " reason=CRC mismatch"), e.getMessage());
    }

    @Test
    void shouldRefuseASnapshotAheadOfItsJournal() throws Exception {
        final Path other = dir.resolve("other");
        final Path mine = dir.resolve("mine");
        try (KvStore store = KvStore.open(other, options().build())) {
            store.put("a", "1");
            store.put("b", "2");
            store.checkpoint();
        }
        try (KvStore store = KvStore.open(mine, options().build())) {
            store.put("c", "3");
        }
        Files.copy(other.resolve("snapshot"), mine.resolve("snapshot"), StandardCopyOption.REPLACE_EXISTING);
        final KvStoreException e = assertThrows(KvStoreException.class, () -> KvStore.open(mine, options().build()));
        assertTrue(e.getMessage().startsWith("snapshot is ahead of the journal: snapshotSequence=2 journalNextSequence=1"),
                e.getMessage());
        try (KvStore store = KvStore.open(other, options().build())) {
            assertEquals(Map.of("a", "1", "b", "2"), store.snapshot());
        }
        Files.delete(mine.resolve("snapshot"));
        try (KvStore store = KvStore.open(mine, options().build())) {
            assertEquals(Map.of("c", "3"), store.snapshot(), "the refused open released the journal lock");
        }
    }

    @Test
    void shouldIgnoreALeftoverTemporarySnapshot() throws Exception {
        try (KvStore store = KvStore.open(dir, options().build())) {
            store.put("a", "1");
            store.checkpoint();
            store.put("b", "2");
        }
        Files.write(dir.resolve("snapshot.tmp"), new byte[]{1, 2, 3}); // a checkpoint cut short by a crash
        try (KvStore store = KvStore.open(dir, options().build())) {
            assertEquals(Map.of("a", "1", "b", "2"), store.snapshot());
            assertEquals(1, store.openReport().replayedRecords());
            assertFalse(Files.exists(dir.resolve("snapshot.tmp")));
        }
    }
}
