package io.mappedjournal.jcstress.gate;

import org.openjdk.jcstress.infra.runners.TestList;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs jcstress on this module's tests and fails (exit code 1) unless every selected test really
 * ran and passed. jcstress itself exits 1 on a FORBIDDEN outcome or a test error, but exits 0
 * when nothing was tested: a {@code -t} that matches nothing ({@code FATAL: No matching tests.}),
 * a test whose actors cannot be scheduled on this machine's CPUs ("No scheduling is possible"),
 * or {@code -c} below the actor count. This gate closes those holes:
 * <ol>
 *   <li>before running: the selection must match at least one test in the jar's
 *       {@code META-INF/TestList}, and no selected test may need more threads than there are CPUs;</li>
 *   <li>jcstress runs as a child process (verbose), its output goes whole to {@code --log} and
 *       in short to the console (one line per passing test run, everything for a failing one);</li>
 *   <li>after running: exit code 0, no {@code FATAL}, no "No scheduling is possible", no
 *       {@code TEST FAILURES}, a final progress line with nothing failed or errored and all planned
 *       results passed, and the number of distinct tests that reported results (and that the
 *       RUN RESULTS summary counts) equal to the number selected, each with at least one sample.</li>
 * </ol>
 * It also prints, per test, how many configurations ran and how many samples each outcome got,
 * and writes that table to {@code jcstress-summary.txt} beside the log.
 *
 * <p>Arguments: {@code --java= --jar= --log= --mode= --tests= --jvm-args= --extra= --flag-matrix=} (extra is
 * split on whitespace and appended to the jcstress command line as is; flag-matrix=false replaces
 * jcstress's JVM flag matrix with the given flags); {@code --from-log=FILE} re-checks and
 * re-summarises the output of an earlier run instead of running jcstress.
 */
public final class JcstressGate {
    private static final Pattern HEADER = Pattern.compile("^\\.*\\s*\\[([A-Z_ -]+)]\\s+(\\S+)\\s*$");
    private static final Pattern ROW = Pattern.compile(
            "^\\s*(.+?)\\s+([\\d,]+)\\s+<?[\\d.,]+%\\s+(Acceptable|Forbidden|Interesting|Unknown)\\s+(.*)$");
    private static final Pattern PROGRESS = Pattern.compile(
            "^\\(Results: (\\d+) planned; (\\d+) passed, (\\d+) failed, (\\d+) soft errs, (\\d+) hard errs\\)\\s*$");
    private static final Pattern SUMMARY = Pattern.compile(
            "^\\s*(Interesting|Failed|Error|All remaining) tests: (?:No matches\\.|(\\d+) matching test results?\\..*)$");

    private JcstressGate() {
    }

    public static void main(String[] args) throws Exception {
        final Map<String, String> opt = new LinkedHashMap<>();
        for (String a : args) {
            final int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                fail("usage: --java= --jar= --log= --mode= --tests= --jvm-args= --extra= --flag-matrix=; got " + a);
            }
            opt.put(a.substring(2, eq), a.substring(eq + 1));
        }
        final String mode = opt.getOrDefault("mode", "sanity");
        final String tests = opt.getOrDefault("tests", ".*").isBlank() ? ".*" : opt.get("tests");
        final Path log = Paths.get(opt.getOrDefault("log", "jcstress-output.log"));

        // 1. What should run: the tests in the jar that jcstress's own -t matching (find) selects.
        final Pattern filter = Pattern.compile(tests);
        final TreeSet<String> expected = new TreeSet<>();
        final int cpus = Runtime.getRuntime().availableProcessors();
        for (String name : TestList.tests()) {
            if (filter.matcher(name).find()) {
                expected.add(name);
                final int threads = TestList.getInfo(name).threads();
                if (threads > cpus) {
                    fail(name + " has " + threads + " actors but this machine has " + cpus
                            + " CPUs: jcstress would skip it silently (\"No scheduling is possible\")");
                }
            }
        }
        if (expected.isEmpty()) {
            fail("no jcstress test matches -t '" + tests + "' (jcstress would print 'FATAL: No matching tests.'"
                    + " and exit 0); tests in the jar: " + new TreeSet<>(TestList.tests()));
        }
        System.out.println("[jcstress-gate] mode=" + mode + " selection='" + tests + "' -> " + expected.size()
                + " test(s): " + expected);

        // 2. Run jcstress.
        final List<String> cmd = new ArrayList<>();
        cmd.add(opt.getOrDefault("java", "java"));
        cmd.add("-jar");
        cmd.add(opt.getOrDefault("jar", "jcstress.jar"));
        cmd.add("-v");
        cmd.add("-m");
        cmd.add(mode);
        cmd.add("-t");
        cmd.add(tests);
        final String jvmArgs = opt.getOrDefault("jvm-args", "").trim();
        // Quiet slf4j-simple in the forked VMs (Chronicle logs its banner at INFO).
        // --flag-matrix=false (the default build): -jvmArgs replaces jcstress's matrix of JVM flag
        // configurations (28 per test here) with the one the journal runs with, so the whole
        // suite fits the test command's time budget; the longer modes keep the matrix
        // (-jvmArgsPrepend) and add their flags to every configuration.
        final boolean matrix = Boolean.parseBoolean(opt.getOrDefault("flag-matrix", "true"));
        cmd.add(matrix ? "-jvmArgsPrepend" : "-jvmArgs");
        cmd.add((jvmArgs + " -Dorg.slf4j.simpleLogger.defaultLogLevel=warn").trim());
        final String extra = opt.getOrDefault("extra", "").trim();
        if (!extra.isEmpty()) {
            for (String e : extra.split("\\s+")) {
                cmd.add(e);
            }
        }
        System.out.println("[jcstress-gate] running: " + String.join(" ", cmd));
        System.out.println("[jcstress-gate] full output: " + log.toAbsolutePath());

        final long start = System.nanoTime();
        final Scan scan = new Scan();
        final int exit;
        if (opt.containsKey("from-log")) {
            // Re-read the output of an earlier run (same checks, same summary); nothing is run.
            for (String line : Files.readAllLines(Paths.get(opt.get("from-log")), StandardCharsets.UTF_8)) {
                scan.accept(line);
            }
            exit = scan.testFailures ? 1 : 0;
        } else {
            final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    out.println(line);
                    scan.accept(line);
                }
            }
            exit = p.waitFor();
        }
        final long seconds = (System.nanoTime() - start) / 1_000_000_000L;

        // 3. Report and check.
        final StringBuilder table = new StringBuilder();
        table.append(String.format("jcstress mode=%s selection='%s' wall=%ds%n", mode, tests, seconds));
        long total = 0;
        for (Map.Entry<String, TestTally> e : scan.tallies.entrySet()) {
            final TestTally t = e.getValue();
            total += t.samples;
            table.append(String.format("%-70s configs=%3d samples=%,12d%n", e.getKey(), t.configs, t.samples));
            for (Map.Entry<String, long[]> o : t.outcomes.entrySet()) {
                table.append(String.format("    %-12s %-10s %,12d  %s%n", o.getKey(), t.expect.get(o.getKey()),
                        o.getValue()[0], t.desc.get(o.getKey())));
            }
        }
        table.append(String.format("TOTAL: %d test(s), %,d samples%n", scan.tallies.size(), total));
        System.out.print(table);
        Files.writeString(log.resolveSibling("jcstress-summary.txt"), table.toString());

        final List<String> problems = problems(scan, expected, exit);
        if (!problems.isEmpty()) {
            // stderr: Maven logs it at ERROR, so a -q build still says why it failed.
            System.err.println("[jcstress-gate] FAILED (full output in " + log.toAbsolutePath() + "):");
            problems.forEach(s -> System.err.println("[jcstress-gate]   - " + s));
            System.exit(1);
        }
        System.out.println("[jcstress-gate] OK: " + expected.size() + " test(s) ran in mode " + mode + " (" + total
                + " samples, " + seconds + " s), no forbidden outcome, no error");
    }

    /**
     * What is wrong with a run, from its scanned output, the tests selected and jcstress's exit
     * code; empty if it really ran and passed every selected test.
     */
    static List<String> problems(Scan scan, java.util.Set<String> expected, int exit) {
        final List<String> problems = new ArrayList<>();
        if (exit != 0) {
            problems.add("jcstress exited with code " + exit);
        }
        if (scan.fatal != null) {
            problems.add("jcstress printed: " + scan.fatal.trim());
        }
        if (scan.noScheduling) {
            problems.add("jcstress printed \"No scheduling is possible\": some tests were skipped");
        }
        if (scan.testFailures) {
            problems.add("jcstress reported TEST FAILURES");
        }
        if (!scan.failedOrErrored.isEmpty()) {
            problems.add("failed or errored test runs (configurations per test): " + scan.failedOrErrored);
        }
        if (scan.lastProgress == null) {
            problems.add("no final '(Results: ...)' line: jcstress did not run tests");
        } else {
            final long[] r = scan.lastProgress;
            if (r[0] == 0 || r[1] != r[0] || r[2] != 0 || r[3] != 0 || r[4] != 0) {
                problems.add(String.format("final progress: %d planned, %d passed, %d failed, %d soft errs, %d hard errs",
                        r[0], r[1], r[2], r[3], r[4]));
            }
        }
        if (scan.summary.size() < 4) {
            problems.add("no complete RUN RESULTS summary in the output");
        } else {
            final long ran = scan.summary.values().stream().mapToLong(Long::longValue).sum();
            if (ran < expected.size()) {
                problems.add("RUN RESULTS counts " + ran + " test(s), fewer than the " + expected.size() + " selected");
            }
            if (scan.summary.get("Failed") + scan.summary.get("Error") > 0) {
                problems.add("RUN RESULTS: " + scan.summary);
            }
        }
        final TreeSet<String> missing = new TreeSet<>(expected);
        missing.removeAll(scan.tallies.keySet());
        if (!missing.isEmpty()) {
            problems.add(missing.size() + " selected test(s) never reported a result: " + missing);
        }
        // A test that reported [OK] with no sample tested nothing (a result table of zeros: no
        // iteration ran, or the actors never met).
        final TreeSet<String> empty = new TreeSet<>();
        for (Map.Entry<String, TestTally> e : scan.tallies.entrySet()) {
            if (e.getValue().samples == 0) {
                empty.add(e.getKey());
            }
        }
        if (!empty.isEmpty()) {
            problems.add(empty.size() + " test(s) reported 0 samples: " + empty);
        }
        return problems;
    }

    private static void fail(String message) {
        System.err.println("[jcstress-gate] FAILED: " + message);
        System.exit(1);
    }

    /** Per test: configurations that reported, and per outcome the samples over all of them. */
    static final class TestTally {
        int configs;
        long samples;
        final Map<String, long[]> outcomes = new TreeMap<>();
        final Map<String, String> expect = new TreeMap<>();
        final Map<String, String> desc = new TreeMap<>();
    }

    /** Reads jcstress's verbose output line by line: echoes a short form, collects what the checks need. */
    static final class Scan {
        final Map<String, TestTally> tallies = new TreeMap<>();
        final Map<String, Long> summary = new LinkedHashMap<>();
        final Map<String, Integer> failedOrErrored = new TreeMap<>();
        String fatal;
        boolean noScheduling;
        boolean testFailures;
        long[] lastProgress;
        boolean inResults;
        // current test block
        TestTally current;
        boolean currentOk;
        boolean inTable;
        boolean afterRunResults;

        void accept(String line) {
            if (line.contains("FATAL") && fatal == null) {
                fatal = line;
            }
            if (line.contains("No scheduling is possible")) {
                noScheduling = true;
            }
            if (line.contains("TEST FAILURES")) {
                testFailures = true;
            }
            final Matcher progress = PROGRESS.matcher(line);
            if (progress.matches()) {
                lastProgress = new long[5];
                for (int i = 0; i < 5; i++) {
                    lastProgress[i] = Long.parseLong(progress.group(i + 1));
                }
            }
            if (line.startsWith("RUN RESULTS")) {
                afterRunResults = true;
                current = null;
            }
            if (afterRunResults) {
                final Matcher s = SUMMARY.matcher(line);
                if (s.matches()) {
                    summary.put(s.group(1), s.group(2) == null ? 0L : Long.parseLong(s.group(2)));
                }
                System.out.println(line);
                return;
            }
            final Matcher h = HEADER.matcher(line);
            if (h.matches() && h.group(2).contains(".")) {
                final String status = h.group(1).trim();
                final String test = h.group(2);
                current = tallies.computeIfAbsent(test, k -> new TestTally());
                current.configs++;
                currentOk = status.equals("OK");
                inTable = false;
                if (!currentOk) {
                    failedOrErrored.merge(status + " " + test, 1, Integer::sum);
                }
                System.out.println(line);
                return;
            }
            if (line.startsWith("(ETA") || line.startsWith("(Sampling") || line.startsWith("(JVMs")
                    || line.startsWith("(CPUs")) {
                current = null;
                inTable = false;
                return; // progress noise; the last "(Results" line is kept below
            }
            if (line.startsWith("(Results")) {
                return;
            }
            if (current == null) {
                // configuration probing and preamble: keep it short on the console
                if (!line.startsWith("----- [OK]")) {
                    System.out.println(line);
                }
                return;
            }
            if (!currentOk) {
                System.out.println(line);
            }
            if (line.trim().startsWith("RESULT") && line.contains("SAMPLES")) {
                inTable = true;
                return;
            }
            if (inTable) {
                if (line.isBlank()) {
                    inTable = false;
                    return;
                }
                final Matcher r = ROW.matcher(line);
                if (r.matches()) {
                    final String id = r.group(1).trim();
                    final long n = Long.parseLong(r.group(2).replace(",", ""));
                    current.samples += n;
                    current.outcomes.computeIfAbsent(id, k -> new long[1])[0] += n;
                    current.expect.put(id, r.group(3));
                    current.desc.put(id, r.group(4));
                }
            }
        }
    }
}
