package io.mappedjournal.jcstress.gate;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gate's checks on recorded jcstress output: {@code gate/sanity-ok.txt} is a real sanity run
 * of every test in the jar (16 tests, all OK); the other cases edit it line by line into the
 * silent passes the gate exists to catch.
 */
class JcstressGateTest {
    private static final String PREFAULT = "io.mappedjournal.jcstress.segment.PrefaultVsWriteTest";
    /** A result row: its sample count is the second column. */
    private static final Pattern ROW = Pattern.compile("^(\\s*\\S.*?\\s+)([\\d,]+)(\\s+<?[\\d.,]+%\\s+(?:Acceptable|Forbidden|Interesting|Unknown)\\s.*)$");

    private static List<String> lines() throws IOException {
        try (InputStream in = JcstressGateTest.class.getResourceAsStream("/gate/sanity-ok.txt")) {
            if (in == null) throw new IOException("test resource /gate/sanity-ok.txt is missing from the checkout");
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }

    private static JcstressGate.Scan scan(List<String> lines) {
        final JcstressGate.Scan scan = new JcstressGate.Scan();
        lines.forEach(scan::accept);
        return scan;
    }

    @Test
    void aRealPassingRunHasNoProblems() throws IOException {
        final JcstressGate.Scan scan = scan(lines());
        assertEquals(16, scan.tallies.size(), "tests that reported: " + scan.tallies.keySet());
        assertTrue(scan.tallies.get(PREFAULT).samples > 0);
        assertEquals(List.of(), JcstressGate.problems(scan, new TreeSet<>(scan.tallies.keySet()), 0));
    }

    @Test
    void aTestWithZeroSamplesFailsTheGate() throws IOException {
        // Every result row of PrefaultVsWriteTest's configurations set to 0 samples: an [OK] that
        // tested nothing.
        final List<String> in = lines();
        final List<String> out = new java.util.ArrayList<>();
        boolean inPrefault = false;
        for (String line : in) {
            if (line.startsWith(".") && line.contains("] io.mappedjournal.")) {
                inPrefault = line.endsWith(PREFAULT);
            } else if (line.startsWith("RUN RESULTS")) {
                inPrefault = false;
            }
            final Matcher m = ROW.matcher(line);
            out.add(inPrefault && m.matches() ? m.group(1) + "0" + m.group(3) : line);
        }
        final JcstressGate.Scan scan = scan(out);
        assertEquals(0, scan.tallies.get(PREFAULT).samples);
        final List<String> problems = JcstressGate.problems(scan, new TreeSet<>(scan.tallies.keySet()), 0);
        assertEquals(List.of("1 test(s) reported 0 samples: [" + PREFAULT + "]"), problems);
    }

    @Test
    void aSelectedTestThatNeverReportedFailsTheGate() throws IOException {
        final JcstressGate.Scan scan = scan(lines());
        final TreeSet<String> expected = new TreeSet<>(scan.tallies.keySet());
        expected.add("io.mappedjournal.jcstress.Missing");
        final List<String> problems = JcstressGate.problems(scan, expected, 0);
        assertTrue(problems.contains("1 selected test(s) never reported a result: [io.mappedjournal.jcstress.Missing]"),
                problems.toString());
    }
}
