package io.mappedjournal.tools;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher on each JDK the machine has (17, 21, 25): a run prints nothing on stderr but the
 * tool's own lines, the first run (which trains the class-data archive) and the second (which uses
 * it) alike, and each JDK gets its own archive (an archive is valid for one JVM build only). A leg
 * whose JDK is not installed is skipped, not passed: JUnit reports it as skipped with the reason.
 * A JDK is found through {@code JDK<N>_HOME} or under {@code /usr/lib/jvm}.
 */
class LauncherJdkIT {

    @Test
    void jdk17PrintsNothingButTheToolsOwnLines() throws Exception {
        leg(17);
    }

    @Test
    void jdk21PrintsNothingButTheToolsOwnLines() throws Exception {
        leg(21);
    }

    @Test
    void jdk25PrintsNothingButTheToolsOwnLines() throws Exception {
        leg(25);
    }

    private static void leg(int major) throws Exception {
        final Optional<Path> home = findJdk(major);
        Assumptions.assumeTrue(home.isPresent(), "no JDK " + major + " installed (set JDK" + major + "_HOME or install one under /usr/lib/jvm)");
        final String clean = Cli.fixture("clean").toString();
        for (int run = 1; run <= 2; run++) {
            final LauncherIT.Proc p = launch(home.get(), "verify", clean);
            assertEquals(0, p.exit, "JDK " + major + " run " + run + ": " + p);
            assertTrue(p.out.endsWith("result: clean\n"), p.out);
            assertEquals("", p.err, "JDK " + major + " run " + run + " printed on stderr");
        }
        final Path target = LauncherIT.LAUNCHER.getParent().resolve("target");
        try (Stream<Path> archives = Files.list(target)) {
            final List<String> names = archives.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("journal-" + major + "-") && (n.endsWith(".jsa") || n.endsWith(".aot"))).toList();
            assertEquals(1, names.size(), "one class-data archive keyed by the JDK " + major + " build in " + target + ": " + names);
        }
    }

    /** {@code JDK<N>_HOME}, else the first directory under /usr/lib/jvm whose release file says JAVA_VERSION="N...". */
    static Optional<Path> findJdk(int major) throws IOException {
        final String env = System.getenv("JDK" + major + "_HOME");
        if (env != null && Files.isExecutable(Path.of(env, "bin", "java"))) {
            return Optional.of(Path.of(env));
        }
        final Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        final Pattern version = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);
        try (Stream<Path> dirs = Files.list(jvms)) {
            for (Path dir : dirs.sorted().toList()) {
                final Path release = dir.resolve("release");
                if (!Files.isRegularFile(release) || !Files.isExecutable(dir.resolve("bin/java"))) {
                    continue;
                }
                final Matcher m = version.matcher(Files.readString(release));
                if (m.find() && Integer.parseInt(m.group(1)) == major) {
                    return Optional.of(dir.toRealPath());
                }
            }
        }
        return Optional.empty();
    }

    private static LauncherIT.Proc launch(Path javaHome, String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add(LauncherIT.LAUNCHER.toString());
        command.addAll(List.of(args));
        final Path out = Files.createTempFile("launcher-out", ".txt");
        final Path err = Files.createTempFile("launcher-err", ".txt");
        try {
            final ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            final Map<String, String> env = pb.environment();
            env.put("JAVA_HOME", javaHome.toString());
            env.remove("JOURNAL_JAVA_OPTS");
            final long start = System.nanoTime();
            final Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command + " with JAVA_HOME=" + javaHome);
            }
            return new LauncherIT.Proc(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - start) / 1_000_000);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
