package io.mappedjournal.tools;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.RecoveryReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kill -9, for real: {@code journal stress} runs in a child JVM with 8 producer threads under
 * {@code always} and under {@code batch_5ms}, printing {@code ack t n seq} for every record it
 * saw acknowledged durable, and under {@code none} with {@code --acks written}, printing one for
 * every record the master wrote (the README: a process crash keeps everything the master wrote,
 * under every policy); the test kills it (SIGKILL) at a random moment (some during its JVM
 * start-up or the journal's open and recovery, as the child's {@code phase} lines show, most
 * while appending), then recovers the journal and checks that:
 * recovery succeeds; every acknowledged record is present at its sequence with byte-exact
 * content; the records form a prefix of the append order (sequences 0..n-1, each producer's
 * records contiguous from its first, so no holes and no duplicates); and appending continues
 * (the next run resumes every producer after its last record, and a final run ends cleanly).
 *
 * <p>The three policies' kill sequences run side by side, each on its own journal with its own
 * model of what was verified. Count: {@code -Djournal.kill9.runs} (default 50, a third per
 * policy), or {@code -Djournal.soak=N} for N times every crash-test count;
 * {@code -Djournal.kill9.seed} replays a run.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other test classes (junit-platform.properties)
class KillNineTest {
    private static final int THREADS = 8;

    @TempDir
    Path tmp;

    @Test
    void killNineUnderAlwaysAndBatch() throws Exception {
        final int runs = Integer.getInteger("journal.kill9.runs", 50 * Math.max(1, Integer.getInteger("journal.soak", 1)));
        final long seed = Long.getLong("journal.kill9.seed", System.nanoTime());
        final long start = System.nanoTime();
        final String[] policies = {"always", "batch_5ms", "none"};
        // The three policies' journals are independent: each runs its kill sequence on its own thread,
        // side by side (the children mostly wait, on msync or on their --rate, so they overlap).
        final ExecutorService pool = Executors.newFixedThreadPool(policies.length);
        final List<Future<PolicyRun>> futures = new ArrayList<>();
        for (int pi = 0; pi < policies.length; pi++) {
            final PolicyRun run = new PolicyRun(policies[pi], seed, pi, runs / 3 + (pi < runs % 3 ? 1 : 0));
            futures.add(pool.submit(run::call));
        }
        pool.shutdown();
        int kills = 0;
        int earlyKills = 0;
        long acksChecked = 0;
        long maxRecoveryNanos = 0;
        final Map<String, Integer> killsByPhase = new TreeMap<>();
        try {
            for (Future<PolicyRun> f : futures) {
                final PolicyRun r;
                try {
                    r = f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error) {
                        throw (Error) e.getCause(); // an assertion of that policy's run, as it was thrown
                    }
                    throw e;
                }
                kills += r.kills;
                earlyKills += r.earlyKills;
                acksChecked += r.acksChecked;
                maxRecoveryNanos = Math.max(maxRecoveryNanos, r.maxRecoveryNanos);
                r.killsByPhase.forEach((k, v) -> killsByPhase.merge(k, v, Integer::sum));
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("kill -9: %d kills (%d aimed at start-up/recovery; by the child's phase: %s) of an 8-thread"
                        + " stress child under always, batch_5ms and none (written acks), %d acknowledged records checked,"
                        + " slowest recovery %.1f ms, %.1f s (seed %d)%n", kills, earlyKills, killsByPhase, acksChecked,
                maxRecoveryNanos / 1e6, (System.nanoTime() - start) / 1e9, seed);
        assertEquals(runs, kills, "every planned kill was made");
        if (earlyKills > 0) {
            // the early kills really landed before appending: in the JVM's start-up or in open/recovery
            final int beforeAppending = killsByPhase.getOrDefault("start-up", 0) + killsByPhase.getOrDefault("opening", 0);
            assertTrue(beforeAppending > 0, "no kill landed in start-up or recovery: " + killsByPhase);
        }
        assertTrue(acksChecked > 0, "acknowledged records were checked");
    }

    /** One policy's kill sequence on its own journal directory, with its own model of what was verified. */
    private final class PolicyRun {
        private final String policy;
        private final Path dir;
        private final long seed;
        private final Random rnd;
        private final int runs;

        /** Everything verified so far: record at sequence s is (t, n) = (tn[s] >>> 40, tn[s] & mask). */
        private long[] tn = new long[1 << 16];
        private long verifiedEnd;
        private final long[] nextN = new long[THREADS];
        long acksChecked;
        long maxRecoveryNanos;
        int kills;
        int earlyKills;
        final Map<String, Integer> killsByPhase = new TreeMap<>();

        PolicyRun(String policy, long seed, int index, int runs) {
            this.policy = policy;
            this.dir = tmp.resolve(policy);
            this.seed = seed;
            this.rnd = new Random(seed * 31 + index); // replayable per policy from the one seed
            this.runs = runs;
        }

        PolicyRun call() throws Exception {
            final int recordSize = 24 + rnd.nextInt(200);
            for (int run = 0; run < runs; run++) {
                final boolean early = rnd.nextInt(8) == 0; // during start-up / recovery
                final String what = "seed " + seed + " " + policy + " run " + run;
                final String[] phase = new String[1];
                final List<long[]> acks = runAndKill(recordSize, early, what, phase);
                kills++;
                earlyKills += early ? 1 : 0;
                killsByPhase.merge(phase[0], 1, Integer::sum);
                verify(recordSize, acks, what);
            }
            // appending continues: a last, clean run to completion, then a full check from 0
            final List<long[]> last = runToCompletion(recordSize);
            verify(recordSize, last, "seed " + seed + " " + policy + " final run");
            resetModel();
            verify(recordSize, List.of(), "seed " + seed + " " + policy + " full re-read");
            return this;
        }

        private void resetModel() {
            tn = new long[1 << 16];
            verifiedEnd = 0;
            Arrays.fill(nextN, 0);
        }

        /**
         * Starts the driver, waits (for the first ack, then a random while; or, for an early kill,
         * a random short while or until the child says it is opening the journal), kills it -9;
         * returns the complete ack lines and, in {@code phase[0]}, where the kill landed by the
         * child's own phase lines: {@code start-up} (none yet), {@code opening} or {@code appending}.
         */
        private List<long[]> runAndKill(int recordSize, boolean early, String what, String[] phase) throws Exception {
            final File err = tmp.resolve(policy + "-stress.stderr").toFile();
            final Process p = new ProcessBuilder(command(dir, policy, recordSize)).redirectError(err).start();
            final AckReader acks = new AckReader(p.getInputStream());
            acks.start();
            try {
                if (early && rnd.nextBoolean()) {
                    Thread.sleep(rnd.nextInt(150)); // the JVM starting
                } else if (early) {
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (acks.phase() == null && p.isAlive() && System.nanoTime() < deadline) {
                        Thread.onSpinWait(); // kill as soon as the child opens (and recovers) the journal
                    }
                } else {
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (acks.count() == 0 && p.isAlive() && System.nanoTime() < deadline) {
                        Thread.sleep(2);
                    }
                    assertTrue(acks.count() > 0, () -> what + ": no ack within 30 s: " + read(err));
                    Thread.sleep(rnd.nextInt(700));
                }
                assertTrue(p.isAlive(), () -> what + ": the driver exited by itself: " + read(err));
            } finally {
                p.destroyForcibly(); // SIGKILL
                p.waitFor();
            }
            acks.join();
            phase[0] = acks.phase() == null ? "start-up" : acks.phase();
            if (!early) {
                assertEquals("appending", phase[0], what);
            }
            return acks.acks();
        }

        private List<long[]> runToCompletion(int recordSize) throws Exception {
            final File err = tmp.resolve(policy + "-stress-final.stderr").toFile();
            final Process p = new ProcessBuilder(command(dir, policy, recordSize, "--records", "300")).redirectError(err).start();
            final AckReader acks = new AckReader(p.getInputStream());
            acks.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "final run did not finish");
            acks.join();
            assertEquals(0, p.exitValue(), () -> read(err));
            assertEquals(THREADS * 300, acks.count(), "a clean run acknowledges every record it appended");
            return acks.acks();
        }

        /** Recovers the journal in this JVM and checks it against the model and the acks. */
        private void verify(int recordSize, List<long[]> acks, String what) throws IOException {
            final RecoveryReport report;
            try (Journal j = Journal.open(JournalConfig.builder(dir).segmentSize(256 << 10).maxRecordSize(64 << 10).build())) {
                report = j.recoveryReport();
                maxRecoveryNanos = Math.max(maxRecoveryNanos, report.durationNanos());
                assertTrue(report.anomalies().stream().allMatch(a -> a.reason().contains("torn tail")
                        || a.reason().contains("manifest slot refused")), () -> what + ": " + report.describe());
            }
            // read what is new since the last check: sequences must continue with no gap
            long end = verifiedEnd;
            try (JournalReader r = JournalReader.open(dir, verifiedEnd)) {
                for (JournalRecord rec; (rec = r.next()) != null; ) {
                    assertEquals(end, rec.sequence(), what + ": sequences must be contiguous");
                    final byte[] p = rec.payload();
                    final long[] parsed = Payloads.parse(p, p.length);
                    assertNotNull(parsed, what + ": not a stress record at " + rec.sequence());
                    final int t = (int) parsed[0];
                    final long n = parsed[1];
                    assertTrue(t >= 0 && t < THREADS, what);
                    assertEquals(nextN[t], n, what + ": producer " + t + " at sequence " + rec.sequence()
                            + " (each producer's records contiguous from its first: no hole, no duplicate)");
                    assertEquals(Math.max(recordSize, Payloads.prefixLength(t, n)), p.length, what);
                    assertTrue(Payloads.matches(p, p.length, t, n), what + ": content of t=" + t + " n=" + n);
                    nextN[t]++;
                    if (end >= tn.length) {
                        tn = Arrays.copyOf(tn, tn.length * 2);
                    }
                    tn[(int) end] = ((long) t << 40) | n;
                    end++;
                }
            }
            verifiedEnd = end;
            for (long[] a : acks) {
                final long seq = a[2];
                assertTrue(seq < verifiedEnd, () -> what + ": acknowledged record t=" + a[0] + " n=" + a[1] + " seq=" + seq
                        + " lost: journal recovered to " + verifiedEnd + "\n" + report.describe());
                assertEquals((a[0] << 40) | a[1], tn[(int) seq], what + ": ack " + Arrays.toString(a) + " names another record");
                acksChecked++;
            }
        }
    }

    private static List<String> command(Path dir, String policy, int recordSize, String... extra) {
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // the Chronicle flags, as the surefire JVM (and tools/journal) has them
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("-Ddisable.perf")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), JournalCli.class.getName(), "stress", dir.toString(),
                "--threads", String.valueOf(THREADS), "--record-size", String.valueOf(recordSize), "--sync", policy,
                "--segment-size", String.valueOf(256 << 10), "--rate", policy.equals("always") ? "0" : "4000",
                // under none nothing is durable until a roll: ack what the master wrote instead
                "--acks", policy.equals("none") ? "written" : "durable"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private static String read(File f) {
        try {
            return Files.readString(f.toPath());
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Collects complete "ack t n seq" lines and the last "phase ..." line; a line cut short by the
     * kill (no newline) is ignored.
     */
    static final class AckReader extends Thread {
        private final InputStream in;
        private final List<long[]> acks = new ArrayList<>();
        private volatile int count;
        private volatile String phase;
        private volatile RuntimeException error;

        AckReader(InputStream in) {
            this.in = in;
            setDaemon(true);
        }

        @Override
        public void run() {
            final ByteArrayOutputStream line = new ByteArrayOutputStream();
            final byte[] buf = new byte[1 << 16];
            try {
                for (int r; (r = in.read(buf)) > 0; ) {
                    for (int i = 0; i < r; i++) {
                        if (buf[i] != '\n') {
                            line.write(buf[i]);
                            continue;
                        }
                        final String s = line.toString(StandardCharsets.US_ASCII);
                        line.reset();
                        final String[] f = s.split(" ");
                        if (f.length >= 2 && f[0].equals("phase")) {
                            if (phase != null && !(phase.equals("opening") && f[1].equals("appending"))) {
                                throw new IllegalStateException("phase " + f[1] + " after " + phase);
                            }
                            phase = f[1];
                        } else if (f.length == 4 && f[0].equals("ack")) {
                            if (!"appending".equals(phase)) {
                                throw new IllegalStateException("an ack before the journal was open: " + s);
                            }
                            synchronized (acks) {
                                acks.add(new long[]{Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])});
                                count = acks.size();
                            }
                        } else {
                            throw new IllegalStateException("unexpected stdout line: " + s);
                        }
                    }
                }
            } catch (IOException e) {
                // the process was killed
            } catch (RuntimeException e) {
                error = e; // reported by acks(): a bad line fails the test, not just this thread
            }
        }

        int count() {
            return count;
        }

        /** The child's last phase line ({@code opening}, {@code appending}), null before the first. */
        String phase() {
            return phase;
        }

        List<long[]> acks() {
            if (error != null) {
                throw new AssertionError("the child's stdout: " + error.getMessage(), error);
            }
            synchronized (acks) {
                return new ArrayList<>(acks);
            }
        }
    }
}
