package io.mappedjournal.tools;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Golden-output tests: each case runs one or more commands on a private copy of a checked-in
 * fixture journal and compares exit codes, stdout and stderr exactly with
 * {@code src/test/resources/golden/<case>.txt}. Normalised: the copy's path becomes {@code $DIR},
 * recovery's {@code time_ms=...} becomes {@code time_ms=<t>}; nothing else. Read-only commands
 * must leave every file byte-identical (SHA-256 before and after), and no case may change the
 * fixtures themselves.
 *
 * <p>After a deliberate change of output: {@code -Dmj.update.golden=true} rewrites each golden
 * file whose output differs and fails that case ("rewrote ..."), so an update run never passes
 * as if it had checked something; review the diff, then run again without the flag.
 */
class GoldenTest {
    static final String[] FIXTURES = {"clean", "torn-tail", "corrupt-middle", "damaged-manifest"};
    static final String[] MODES = {"tolerate-tail", "point-in-time", "skip-corrupted", "absolute"};
    private static final Map<String, Map<String, String>> FIXTURE_SUMS = new HashMap<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void rememberFixtures() throws IOException {
        for (String f : FIXTURES) {
            FIXTURE_SUMS.put(f, Cli.checksums(Cli.fixture(f)));
        }
    }

    @AfterAll
    static void fixturesUnchanged() throws IOException {
        for (String f : FIXTURES) {
            assertEquals(FIXTURE_SUMS.get(f), Cli.checksums(Cli.fixture(f)), "fixture " + f + " was modified");
        }
    }

    static Stream<Arguments> cases() {
        final List<Arguments> cases = new ArrayList<>();
        for (String f : FIXTURES) {
            cases.add(Arguments.of(f + ".verify", f, true, List.of(List.of("verify", "$DIR"))));
            cases.add(Arguments.of(f + ".stats", f, true, List.of(List.of("stats", "$DIR"))));
            cases.add(Arguments.of(f + ".stats-json", f, true, List.of(List.of("stats", "--json", "$DIR"))));
            cases.add(Arguments.of(f + ".recover-dry-run", f, true, List.of(List.of("recover", "--dry-run", "$DIR"))));
            for (String m : MODES) {
                cases.add(Arguments.of(f + ".recover-" + m, f, false,
                        List.of(List.of("recover", "--mode", m, "$DIR"), List.of("verify", "$DIR"))));
            }
        }
        cases.add(Arguments.of("clean.dump-text", "clean", true, List.of(List.of("dump", "$DIR", "--limit", "3"))));
        cases.add(Arguments.of("clean.dump-hex", "clean", true,
                List.of(List.of("dump", "$DIR", "--format", "hex", "--from", "714", "--limit", "3"))));
        cases.add(Arguments.of("clean.dump-json", "clean", true,
                List.of(List.of("dump", "$DIR", "--format", "json", "--from", "714", "--to", "717"))));
        cases.add(Arguments.of("torn-tail.dump-json", "torn-tail", true,
                List.of(List.of("dump", "$DIR", "--format", "json", "--from", "897"))));
        cases.add(Arguments.of("corrupt-middle.dump-json", "corrupt-middle", true,
                List.of(List.of("dump", "$DIR", "--format", "json", "--from", "799", "--to", "801"))));
        cases.add(Arguments.of("corrupt-middle.dump-text", "corrupt-middle", true,
                List.of(List.of("dump", "$DIR", "--from", "800", "--limit", "1"))));
        cases.add(Arguments.of("damaged-manifest.dump-text", "damaged-manifest", true,
                List.of(List.of("dump", "$DIR", "--from", "899"))));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesGolden(String name, String fixture, boolean readOnly, List<List<String>> commands) throws IOException {
        final Path dir = Cli.copyFixture(fixture, tmp);
        final Map<String, String> before = Cli.checksums(dir);
        final StringBuilder actual = new StringBuilder();
        for (List<String> command : commands) {
            final String[] args = command.stream().map(a -> a.equals("$DIR") ? dir.toString() : a).toArray(String[]::new);
            final Cli.Run run = Cli.run(args);
            actual.append("$ journal ").append(String.join(" ", command)).append('\n')
                    .append("exit ").append(run.exit).append('\n')
                    .append("--- stdout\n").append(normalise(run.out, dir))
                    .append("--- stderr\n").append(normalise(run.err, dir));
        }
        if (readOnly) {
            assertEquals(before, Cli.checksums(dir), name + ": a read-only command changed the journal's files");
        }
        compareWithGolden(name, actual.toString());
    }

    static String normalise(String text, Path dir) {
        return text.replace(dir.toString(), "$DIR").replaceAll("time_ms=[0-9.]+", "time_ms=<t>");
    }

    static void compareWithGolden(String name, String actual) throws IOException {
        final String file = "golden/" + name + ".txt";
        if (Boolean.getBoolean("mj.update.golden")) {
            final Path target = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources").resolve(file);
            if (Files.exists(target) && Files.readString(target, StandardCharsets.UTF_8).equals(actual)) {
                return; // unchanged: nothing written, and the comparison holds
            }
            Files.createDirectories(target.getParent());
            Files.writeString(target, actual, StandardCharsets.UTF_8);
            fail("rewrote src/test/resources/" + file + " (-Dmj.update.golden=true): review the diff, then run"
                    + " again without the flag");
        }
        try (InputStream in = GoldenTest.class.getResourceAsStream("/" + file)) {
            assertNotNull(in, "missing golden file src/test/resources/" + file
                    + " (run with -Dmj.update.golden=true to create it, then review it)");
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual, "output differs from " + file);
        }
    }

    /**
     * What skip-corrupted recovery does with one damaged frame in the middle of a segment: covers
     * it with a skip frame and keeps every valid record after it (records 801..899 of this fixture).
     */
    @Test
    void skipCorruptedKeepsEveryValidRecordAroundTheDamage() throws IOException {
        final Path dir = Cli.copyFixture("corrupt-middle", tmp);
        assertEquals(0, Cli.run("recover", "--mode", "skip-corrupted", dir.toString()).exit);
        final Cli.Run dump = Cli.run("dump", dir.toString(), "--format", "json");
        assertEquals(0, dump.exit, dump.toString());
        final String[] lines = dump.out.split("\n");
        assertEquals(FixtureGenerator.RECORDS - 1, lines.length);
        assertEquals(true, dump.out.contains("\"seq\":801,"));
        assertEquals(true, dump.out.contains("\"seq\":899,"));
    }
}
