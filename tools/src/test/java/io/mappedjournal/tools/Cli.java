package io.mappedjournal.tools;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Runs the tool in-process, as {@code tools/journal} would, capturing stdout, stderr and the exit code. */
final class Cli {
    /** What one run printed and returned. */
    static final class Run {
        final int exit;
        final String out;
        final String err;

        Run(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit=" + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    static Run run(String... args) {
        return run(null, args);
    }

    /** Runs with {@code stdin} as the node's input (null: the real stdin, unused). */
    static Run run(InputStream stdin, String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cmd = JournalCli.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        if (stdin != null) {
            ((NodeCommand) cmd.getSubcommands().get("node").getCommand()).in = stdin;
        }
        final int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** A checked-in fixture journal (read it, never write it). */
    static Path fixture(String name) {
        try {
            return Path.of(Cli.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A private copy of a fixture in {@code parent}: commands may change the copy, never the fixture. */
    static Path copyFixture(String name, Path parent) throws IOException {
        final Path from = fixture(name);
        final Path to = parent.resolve(name);
        Files.createDirectories(to);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(from)) {
            for (Path p : s) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    /** SHA-256 of every file under {@code dir}, by relative path (so new or removed files show too). */
    static Map<String, String> checksums(Path dir) throws IOException {
        final Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                try {
                    final MessageDigest md = MessageDigest.getInstance("SHA-256");
                    sums.put(dir.relativize(p).toString(), HexFormat.of().formatHex(md.digest(Files.readAllBytes(p))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return sums;
    }
}
