package io.mappedjournal;

import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;
import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.policy.IdleStrategy;
import io.mappedjournal.policy.Ordering;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.policy.RollPolicy;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.MsyncSyncer;
import net.openhft.posix.PosixAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Promises of the README's "Configuration" table and "Operating it" section that no other test
 * would notice breaking: every documented default is the builder's (the table is parsed, so the
 * test fails if either side drifts), a slow sync is logged and counted, the chosen idle strategy
 * is the one the master runs, and checkpoints are spaced by {@code checkpointBytes}.
 */
class ReadmePromisesTest {
    @TempDir
    Path dir;

    /** The README's configuration table: setting to its default column, backticks removed. */
    static Map<String, String> readmeDefaults() throws Exception {
        final Path readme = Path.of(System.getProperty("basedir", ".")).resolve("README.md");
        final Map<String, String> defaults = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
            if (line.startsWith("| setting | default | meaning |")) {
                inTable = true;
                continue;
            }
            if (inTable) {
                if (!line.startsWith("|")) {
                    break;
                }
                final String[] cells = line.split("\\|");
                if (cells.length >= 3 && !cells[1].trim().startsWith("---")) {
                    defaults.put(cells[1].trim().replace("`", ""), cells[2].trim().replace("`", ""));
                }
            }
        }
        return defaults;
    }

    /** "64 MiB", "256 KiB", "256" to bytes or a count. */
    private static long size(String text) {
        final Matcher m = Pattern.compile("(\\d+)\\s*(KiB|MiB|GiB)?").matcher(text);
        assertTrue(m.matches(), "a size: " + text);
        final long n = Long.parseLong(m.group(1));
        return m.group(2) == null ? n : n << (m.group(2).equals("KiB") ? 10 : m.group(2).equals("MiB") ? 20 : 30);
    }

    /** The first "N ms" or "N s" in {@code text}, in nanoseconds. */
    private static long nanos(String text) {
        final Matcher m = Pattern.compile("(\\d+)\\s*(ms|s)\\b").matcher(text);
        assertTrue(m.find(), "a duration in: " + text);
        return Long.parseLong(m.group(1)) * (m.group(2).equals("ms") ? 1_000_000L : 1_000_000_000L);
    }

    private static long field(Object o, String name) throws Exception {
        final java.lang.reflect.Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.getLong(o);
    }

    @Test
    void everyDocumentedDefaultIsTheBuildersDefault() throws Exception {
        final Map<String, String> doc = readmeDefaults();
        assertEquals(Set.of("syncPolicy", "segmentSize", "stagingBufferSize", "maxWriters", "maxRecordSize", "backpressure",
                "blockTimeout", "idleStrategy", "rollPolicy", "recoveryMode", "checkpointBytes", "slowSyncThreshold",
                "ordering"), doc.keySet(), "the README's configuration table: " + doc);
        final JournalConfig c = JournalConfig.builder(dir).build();
        // syncPolicy: batch(T ms) with no byte limit
        assertTrue(doc.get("syncPolicy").startsWith("batch("), doc.get("syncPolicy"));
        final long interval = nanos(doc.get("syncPolicy"));
        assertEquals("batch_" + interval / 1_000_000 + "ms", c.syncPolicy().name());
        assertFalse(c.syncPolicy().shouldSync(Long.MAX_VALUE - 1, 0, interval - 1), "no byte limit, not before T");
        assertTrue(c.syncPolicy().shouldSync(1, 0, interval), "at T");
        assertEquals(size(doc.get("segmentSize")), c.segmentSize(), "README default of segmentSize");
        assertEquals(size(doc.get("stagingBufferSize")), c.stagingBufferSize(), "README default of stagingBufferSize");
        assertEquals(size(doc.get("maxWriters")), c.maxWriters(), "README default of maxWriters");
        assertEquals(size(doc.get("maxRecordSize")), c.maxRecordSize(), "README default of maxRecordSize");
        assertEquals(Backpressure.valueOf(doc.get("backpressure")), c.backpressure(), "README default of backpressure");
        assertEquals(nanos(doc.get("blockTimeout")), c.blockTimeoutNanos);
        // "back-off to 1 ms parks": the back-off strategy with that longest park
        assertInstanceOf(IdleStrategy.Backoff.class, c.idleStrategy, doc.get("idleStrategy"));
        assertTrue(doc.get("idleStrategy").startsWith("back-off to "), doc.get("idleStrategy"));
        assertEquals(nanos(doc.get("idleStrategy")), field(c.idleStrategy, "maxParkNanos"));
        assertEquals("when full", doc.get("rollPolicy"));
        assertFalse(c.rollPolicy.shouldRoll(0, Long.MAX_VALUE), "when full: never by age");
        assertEquals(RecoveryMode.valueOf(doc.get("recoveryMode")), c.recoveryMode(), "README default of recoveryMode");
        assertEquals(size(doc.get("checkpointBytes")), c.checkpointBytes);
        assertEquals(nanos(doc.get("slowSyncThreshold")), c.slowSyncThresholdNanos);
        assertEquals(Ordering.valueOf(doc.get("ordering")), c.ordering(), "README default of ordering");
    }

    /** A real msync after a sleep of {@code millis} (a sleep: a park on the master can return early). */
    private static FileSyncer slow(int millis) {
        final FileSyncer real = new MsyncSyncer(PosixAPI.posix());
        return (segment, from, to) -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                throw new java.io.IOException(e);
            }
            real.sync(segment, from, to);
        };
    }

    @Test
    void aSlowSyncIsLoggedAndCounted() throws Exception {
        final PrintStream stderr = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final long slowSyncs;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8)); // slf4j-simple writes to System.err
        try (Journal j = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).syncer(slow(20))
                .slowSyncThreshold(Duration.ofMillis(5)).build())) {
            assertTrue(j.awaitDurable(j.append(new byte[10]), 10, TimeUnit.SECONDS));
            slowSyncs = j.metrics().slowSyncs();
        } finally {
            System.setErr(stderr);
        }
        assertEquals(1, slowSyncs, "the one sync took 20 ms > 5 ms");
        final String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.matches("(?s).*WARN io\\.mappedjournal\\.master\\.Master - slow sync: \\d+ ms for \\S+"
                + "00000000000000000000\\.seg \\(threshold 5 ms\\).*"), log);
    }

    @Test
    void aFastSyncIsNeitherLoggedNorCounted() throws Exception {
        try (Journal j = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).syncer(slow(0))
                .slowSyncThreshold(Duration.ofSeconds(30)).build())) {
            assertTrue(j.awaitDurable(j.append(new byte[10]), 10, TimeUnit.SECONDS));
            assertEquals(0, j.metrics().slowSyncs(), "a sync of ~0 ms under a 30 s threshold counted as slow");
        }
    }

    @Test
    void theMasterRunsTheChosenIdleStrategy() throws Exception {
        final AtomicLong idleCalls = new AtomicLong();
        final Set<String> callers = ConcurrentHashMap.newKeySet();
        final IdleStrategy counting = workCount -> {
            idleCalls.incrementAndGet();
            callers.add(Thread.currentThread().getName());
            if (workCount == 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
        };
        try (Journal j = Journal.open(JournalConfig.builder(dir).idleStrategy(counting).build())) {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (idleCalls.get() < 10) {
                assertTrue(System.nanoTime() < deadline, "the master never called the chosen idle strategy");
                Thread.sleep(1);
            }
            j.append(new byte[1]);
            j.flush();
        }
        assertFalse(callers.isEmpty());
        assertTrue(callers.stream().allMatch(n -> n.startsWith(io.mappedjournal.master.Master.THREAD_NAME_PREFIX)),
                "only the master idles: " + callers);
    }

    /**
     * Under ALWAYS, one record per wait, each sync covers one 256-byte frame; a checkpoint is a
     * manifest written once {@code checkpointBytes} were synced since the last one. Reading the
     * manifest after every wait sees each checkpoint's offset: consecutive ones are at least
     * checkpointBytes apart and less than one frame more.
     */
    @Test
    void checkpointsAreSpacedByCheckpointBytes() throws Exception {
        final long checkpointBytes = 8192;
        final int frame = 256;
        final TreeMap<Long, Long> offsetByGeneration = new TreeMap<>();
        try (Journal j = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.always())
                .checkpointBytes(checkpointBytes).build())) {
            final byte[] payload = new byte[frame - (int) io.mappedjournal.format.FrameDescriptor.frameLength(0)];
            assertEquals(frame, io.mappedjournal.format.FrameDescriptor.frameLength(payload.length));
            for (int n = 0; n < 400; n++) { // 100 KiB: a dozen checkpoints
                assertTrue(j.awaitDurable(j.append(payload), 10, TimeUnit.SECONDS));
                final Manifest m = ManifestStore.read(dir).manifest;
                offsetByGeneration.putIfAbsent(m.generation(), m.active().validLength);
            }
        }
        int spacings = 0;
        Map.Entry<Long, Long> previous = null;
        for (Map.Entry<Long, Long> e : offsetByGeneration.entrySet()) {
            if (previous != null && e.getKey() == previous.getKey() + 1 && previous.getValue() > 64) {
                final long gap = e.getValue() - previous.getValue();
                assertTrue(gap >= checkpointBytes && gap < checkpointBytes + frame, "checkpoint generation " + e.getKey()
                        + " at " + e.getValue() + ", the previous at " + previous.getValue() + ": " + offsetByGeneration);
                spacings++;
            }
            previous = e;
        }
        assertTrue(spacings >= 8, "checkpoints seen: " + offsetByGeneration);
    }
}
