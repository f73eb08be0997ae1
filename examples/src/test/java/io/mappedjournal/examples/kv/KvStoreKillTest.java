package io.mappedjournal.examples.kv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The journal as a write-ahead log under {@code kill -9}: a child JVM ({@link KvKillWriter}) puts
 * from 4 threads and reports each acknowledged change; it is killed at a random moment, the store
 * is reopened here and every acknowledged put must be there with its exact value, every
 * acknowledged delete absent (an issued, unacknowledged delete may or may not have happened),
 * nothing else but unacknowledged puts of the writer's own keys. The
 * same store goes through every round, so each child also recovers the previous kill.
 *
 * <p>{@code -Dmj.kv.kills=N} (default 5) sets the number of kills; {@code -Dmj.kv.seed=S} replays
 * the kill timings of a failed run (the seed is in every failure message).
 */
class KvStoreKillTest {
    private static final int THREADS = 4;
    private static final Pattern WRITER_KEY = Pattern.compile("r\\d+-t\\d+-\\d+|post-r\\d+");

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldLoseNoAcknowledgedChangeWhenTheWriterIsKilled() throws Exception {
        final int kills = Integer.getInteger("mj.kv.kills", 5);
        final long seed = Long.getLong("mj.kv.seed", System.nanoTime());
        final Random random = new Random(seed);
        final Path dir = tmp.resolve("store");
        final Map<String, String> acked = new HashMap<>();
        final Set<String> deleting = new HashSet<>(); // delete issued: absence allowed
        final Set<String> deleted = new HashSet<>();  // delete acknowledged: absence required
        long totalAcks = 0;
        for (int round = 0; round < kills; round++) {
            final String context = "round=" + round + " seed=" + seed;
            final List<String> lines = runAndKill(dir, round, random, context);
            int acks = 0;
            for (int i = 0; i < lines.size(); i++) {
                final String line = lines.get(i);
                if (!line.endsWith(";")) {
                    assertEquals(lines.size() - 1, i, "only the last line may be cut by the kill: line='" + line
                            + "' " + context);
                    continue;
                }
                final String[] f = line.substring(0, line.length() - 1).split(" ");
                if (f[0].equals("acked") && f.length == 3) {
                    assertEquals(KvKillWriter.valueFor(f[1]), f[2], "the writer's own report " + context);
                    acked.put(f[1], f[2]);
                    acks++;
                } else if (f[0].equals("deleting") && f.length == 2) {
                    assertTrue(acked.containsKey(f[1]), "a delete issued before its put: " + line + " " + context);
                    deleting.add(f[1]);
                } else if (f[0].equals("deleted") && f.length == 2) {
                    assertTrue(deleting.contains(f[1]), "a delete acknowledged but not issued: " + line + " " + context);
                    deleted.add(f[1]);
                } else if (!(f[0].equals("opened") && i == 0)) {
                    fail("unexpected writer output: '" + line + "' " + context);
                }
            }
            assertTrue(acks > 0, "the writer acknowledged no put before the kill " + context);
            totalAcks += acks;
            try (KvStore store = KvStore.open(dir, KvKillWriter.options())) {
                verify(store, acked, deleting, deleted, context + " open=" + store.openReport());
                final String key = "post-r" + round;
                store.put(key, KvKillWriter.valueFor(key));
                acked.put(key, KvKillWriter.valueFor(key));
                assertEquals(KvKillWriter.valueFor(key), store.get(key), "the store works after recovery " + context);
            }
        }
        try (KvStore store = KvStore.open(dir, KvKillWriter.options())) {
            verify(store, acked, deleting, deleted, "final reopen seed=" + seed);
            System.out.printf("kill test: kills=%d acknowledgedPuts=%d acknowledgedDeletes=%d keys=%d lastOpen={%s} seed=%d%n",
                    kills, totalAcks, deleted.size(), store.size(), store.openReport(), seed);
        }
    }

    /** Starts a writer, waits for its first acknowledgement, lets it run 0-700 ms, kills it: its output lines. */
    private List<String> runAndKill(Path dir, int round, Random random, String context) throws Exception {
        final Path stderr = tmp.resolve("writer-" + round + ".err");
        final Process p = new ProcessBuilder(ChildJvm.command(KvKillWriter.class, dir.toString(),
                Integer.toString(round), Integer.toString(THREADS)))
                .redirectError(stderr.toFile()).start();
        final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstAck = new CountDownLatch(1);
        final Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                    if (line.startsWith("acked ")) {
                        firstAck.countDown();
                    }
                }
            } catch (IOException e) {
                lines.add("(reading the writer's output failed: " + e + ")");
            }
        }, "kill-test-reader");
        reader.start();
        try {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!firstAck.await(50, TimeUnit.MILLISECONDS)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    fail("the writer " + (p.isAlive() ? "acknowledged nothing within 60 s" : "exited with " + p.exitValue())
                            + " " + context + "\nstdout: " + lines + "\nstderr: " + tail(stderr));
                }
            }
            Thread.sleep(random.nextInt(700));
            if (!p.isAlive()) {
                fail("the writer exited before the kill: exit=" + p.exitValue() + " " + context
                        + "\nlast output: " + last(lines) + "\nstderr: " + tail(stderr));
            }
        } finally {
            p.destroyForcibly();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                fail("the writer did not die within 30 s of SIGKILL " + context);
            }
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertEquals(137, p.exitValue(), "the writer was killed by SIGKILL (128 + 9) " + context
                + "\nlast output: " + last(lines) + "\nstderr: " + tail(stderr));
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    private static void verify(KvStore store, Map<String, String> acked, Set<String> deleting, Set<String> deleted,
                               String context) {
        final Map<String, String> state = store.snapshot();
        final List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, String> e : acked.entrySet()) {
            final String actual = state.get(e.getKey());
            if (deleted.contains(e.getKey())) {
                if (actual != null) {
                    problems.add("acknowledged delete lost: key=" + e.getKey() + " value=" + actual);
                }
            } else if (actual == null && deleting.contains(e.getKey())) {
                // its delete was issued (and logged, perhaps durable) but not acknowledged: either is right
            } else if (!e.getValue().equals(actual)) {
                problems.add("acknowledged put " + (actual == null ? "lost" : "wrong value '" + actual + "'")
                        + ": key=" + e.getKey());
            }
            checked++;
        }
        for (Map.Entry<String, String> e : state.entrySet()) {
            // Anything else must be a put the writer logged but was killed before acknowledging.
            if (!WRITER_KEY.matcher(e.getKey()).matches() || !KvKillWriter.valueFor(e.getKey()).equals(e.getValue())) {
                problems.add("unexpected entry: key=" + e.getKey() + " value=" + e.getValue());
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " problems among " + checked + " acknowledged changes " + context + ":\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(20, problems.size()))));
        }
    }

    private static String last(List<String> lines) {
        synchronized (lines) {
            return lines.isEmpty() ? "(none)" : lines.get(lines.size() - 1);
        }
    }

    private static String tail(Path file) {
        try {
            final List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
