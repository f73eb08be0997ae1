package io.mappedjournal.examples.readme;

import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compiles and runs every {@code ```java} block of the root README.md, so the README cannot drift
 * from the API. Each block is the body of a method that {@code throws Exception}, with the imports
 * a reader would add ({@link #IMPORTS}; {@code import} lines at the top of a block are honoured);
 * a block that declares {@code static void main(} is compiled as a whole file and its main run.
 * The journal path {@code "my-journal"} is replaced by a temporary directory.
 *
 * <p>Checks: the block compiles (errors are reported at their README line); it completes within
 * 60 s without an exception; a block that prints prints something; every printed
 * {@code <sequence>: <payload>} line is exactly the journal's records from the first printed
 * sequence to the end; and known blocks print what the README says they print
 * ({@link #checkKnownOutput}).
 */
class ReadmeSnippetsTest {
    static final List<String> IMPORTS = List.of(
            "io.mappedjournal.*", "io.mappedjournal.policy.*", "io.mappedjournal.recovery.*",
            "io.mappedjournal.metrics.*", "java.io.*", "java.nio.*", "java.nio.charset.*", "java.nio.file.*",
            "java.time.*", "java.util.*", "java.util.concurrent.*", "java.util.concurrent.atomic.*");
    private static final Pattern RECORD_LINE = Pattern.compile("(\\d+): (.*)");
    private static final Pattern CLASS_NAME = Pattern.compile("\\bclass\\s+(\\w+)");

    @TempDir
    Path tmp;

    /** One {@code ```java} block: its text and the README line of its first code line. */
    record Snippet(int number, int firstLine, String code) {
        String where() {
            return "README.md snippet #" + number + " (line " + firstLine + ")";
        }
    }

    static Path readme() {
        final Path path = Path.of(System.getProperty("mj.readme", "../README.md")).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(path), "README not found: path=" + path
                + " (set -Dmj.readme; Maven sets it to the root README)");
        return path;
    }

    static List<Snippet> snippets(List<String> lines) {
        final List<Snippet> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            final String fence = lines.get(i).trim().toLowerCase(Locale.ROOT);
            if (fence.equals("```java") || fence.startsWith("```java ")) {
                final int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).trim().startsWith("```")) {
                    end++;
                }
                if (end == lines.size()) {
                    fail("README.md: the ```java block at line " + (i + 1) + " is never closed");
                }
                found.add(new Snippet(found.size() + 1, start + 1, String.join("\n", lines.subList(start, end))));
                i = end;
            }
        }
        return found;
    }

    /** Guards against a silent pass: a README without java blocks means this test checks nothing. */
    @Test
    void readmeShouldHaveJavaSnippets() throws IOException {
        final List<Snippet> snippets = snippets(Files.readAllLines(readme()));
        assertFalse(snippets.isEmpty(), "README.md has no ```java block: nothing to compile and run (" + readme() + ")");
    }

    @Test
    void extractionShouldFindEachBlockWithItsLine() {
        final List<Snippet> s = snippets(List.of("text", "```java", "int a = 1;", "```", "```", "not java", "```",
                "```Java", "int b = 2;", "int c = 3;", "```"));
        assertEquals(List.of(new Snippet(1, 3, "int a = 1;"), new Snippet(2, 9, "int b = 2;\nint c = 3;")), s);
    }

    /** The harness itself: a block that stops compiling fails, naming its README line. */
    @Test
    void aSnippetThatDoesNotCompileShouldFailAtItsReadmeLine() {
        final AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> compileAndRun(new Snippet(7, 40, "int ok = 1;\nint x = \"not an int\";")));
        assertTrue(e.getMessage().startsWith("README.md snippet #7 (line 40) does not compile:\n  README.md:41: "),
                e.getMessage());
    }

    @Test
    void aSnippetThatThrowsOrPrintsWrongRecordsShouldFail() {
        final AssertionFailedError thrown = assertThrows(AssertionFailedError.class,
                () -> compileAndRun(new Snippet(8, 50, "if (true) throw new IllegalStateException(\"boom\");")));
        assertTrue(thrown.getMessage().startsWith("README.md snippet #8 (line 50) threw java.lang.IllegalStateException: boom"),
                thrown.getMessage());
        final AssertionFailedError wrong = assertThrows(AssertionFailedError.class, () -> compileAndRun(new Snippet(9, 60,
                "try (Journal j = Journal.open(Path.of(\"my-journal\"))) { j.append(\"a\".getBytes()); j.flush(); }\n"
                        + "System.out.println(\"0: b\");")));
        assertTrue(wrong.getMessage().startsWith("README.md snippet #9 (line 60): printed records must be the journal's records"),
                wrong.getMessage());
    }

    @Test
    void theUsageBlocksOutputIsCheckedAsTheReadmePromisesIt() {
        final Snippet usage = new Snippet(1, 69, "Thread[] producers = new Thread[2]; ... \"hello from \" ... \"important\"");
        // drain order across producers is not promised: "important" may come first or between
        checkKnownOutput(usage, List.of("0: hello from 1", "1: hello from 0", "2: important"));
        checkKnownOutput(usage, List.of("0: hello from 1", "1: important", "2: hello from 0"));
        for (List<String> wrong : List.of(
                List.of("0: hello from 1", "1: hello from 1", "2: important"),   // a producer twice, one missing
                List.of("0: hello from 1", "1: hello from 0", "2: hello from 0"), // no "important"
                List.of("0: hello from 1", "2: hello from 0", "1: important"),   // sequences out of order
                List.of("0: hello from 1", "1: important"))) {                     // a record missing
            assertThrows(AssertionFailedError.class, () -> checkKnownOutput(usage, wrong), wrong::toString);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyReadmeSnippetShouldCompileAndRun() throws IOException {
        final List<Snippet> snippets = snippets(Files.readAllLines(readme()));
        assertFalse(snippets.isEmpty(), "README.md has no ```java block: nothing to compile and run");
        return snippets.stream().map(s -> DynamicTest.dynamicTest(s.where(), () -> compileAndRun(s)));
    }

    private void compileAndRun(Snippet snippet) throws Exception {
        final Path work = Files.createDirectories(tmp.resolve("snippet-" + snippet.number()));
        final Path journalDir = work.resolve("my-journal");
        if ((snippet.code().contains("Journal.open") || snippet.code().contains("JournalReader.open"))
                && !snippet.code().contains("\"my-journal\"")) {
            fail(snippet.where() + " opens a journal but not at Path.of(\"my-journal\"): this test can only "
                    + "redirect that path to a temporary directory");
        }
        final String code = snippet.code().replace("\"my-journal\"", javaString(journalDir.toString()));
        final Source source = wrap(snippet, code);
        final Path classes = Files.createDirectories(work.resolve("classes"));
        compile(snippet, source, work, classes);
        final String output = run(snippet, source, classes);
        checkOutput(snippet, output, journalDir);
    }

    /** Java source of a snippet; {@code headerLines} lines come before the snippet's first line. */
    record Source(String className, String text, int headerLines, boolean hasMain) {
    }

    static Source wrap(Snippet snippet, String code) {
        final List<String> lines = new ArrayList<>(Arrays.asList(code.split("\n", -1)));
        final List<String> imports = new ArrayList<>();
        for (String i : IMPORTS) {
            imports.add("import " + i + ";");
        }
        // Leading import lines of the block stay where they are (same line numbers), blanked in the body.
        final StringBuilder hoisted = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            final String t = lines.get(i).trim();
            if (t.startsWith("import ")) {
                hoisted.append(t).append(' ');
                lines.set(i, "");
            } else if (!t.isEmpty() && !t.startsWith("//")) {
                break;
            }
        }
        final String header = String.join(" ", imports) + " " + hoisted;
        final String body = String.join("\n", lines);
        if (code.contains("static void main(")) {
            final Matcher m = CLASS_NAME.matcher(code);
            if (!m.find()) {
                fail(snippet.where() + " declares main but no class");
            }
            return new Source(m.group(1), header + "\n" + body + "\n", 1, true);
        }
        final String className = "ReadmeSnippet" + snippet.number();
        return new Source(className, header + "\npublic final class " + className
                + " { public static void run() throws Exception {\n" + body + "\n}}\n", 2, false);
    }

    private static void compile(Snippet snippet, Source source, Path work, Path classes) throws IOException {
        final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler: run the tests on a JDK, not a JRE");
        final Path file = work.resolve(source.className() + ".java");
        Files.writeString(file, source.text());
        final DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            final List<String> options = List.of("-classpath", System.getProperty("java.class.path"),
                    "-d", classes.toString(), "--release", "17", "-proc:none", "-Xlint:none", "-encoding", "UTF-8");
            final boolean ok = javac.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjects(file)).call();
            if (!ok) {
                final String errors = diagnostics.getDiagnostics().stream()
                        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                        .map(d -> "  README.md:" + (snippet.firstLine() + d.getLineNumber() - 1 - source.headerLines())
                                + ": " + d.getMessage(Locale.ROOT))
                        .collect(Collectors.joining("\n"));
                fail(snippet.where() + " does not compile:\n" + errors + "\n--- compiled as ---\n" + source.text());
            }
        }
    }

    /** Runs the snippet on its own thread with System.out captured; returns what it printed. */
    private String run(Snippet snippet, Source source, Path classes) throws Exception {
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final Throwable[] failure = new Throwable[1];
        final PrintStream original = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()},
                ReadmeSnippetsTest.class.getClassLoader())) {
            final Class<?> type = loader.loadClass(source.className());
            final Method entry = source.hasMain() ? type.getMethod("main", String[].class) : type.getMethod("run");
            final Thread runner = new Thread(() -> {
                try {
                    if (source.hasMain()) {
                        entry.invoke(null, (Object) new String[0]);
                    } else {
                        entry.invoke(null);
                    }
                } catch (InvocationTargetException e) {
                    failure[0] = e.getCause();
                } catch (Throwable e) {
                    failure[0] = e;
                }
            }, "readme-snippet-" + snippet.number());
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                runner.start();
                runner.join(TimeUnit.SECONDS.toMillis(60));
            } finally {
                System.setOut(original);
            }
            if (runner.isAlive()) {
                runner.interrupt();
                fail(snippet.where() + " did not complete within 60 s; printed so far:\n"
                        + captured.toString(StandardCharsets.UTF_8));
            }
        }
        final String output = captured.toString(StandardCharsets.UTF_8);
        if (failure[0] != null) {
            fail(snippet.where() + " threw " + failure[0] + "\nprinted:\n" + output, failure[0]);
        }
        return output;
    }

    private static void checkOutput(Snippet snippet, String output, Path journalDir) throws IOException {
        final List<String> lines = output.isEmpty() ? List.of() : Arrays.asList(output.split("\r?\n"));
        if (snippet.code().contains("System.out.print")) {
            assertFalse(lines.isEmpty(), snippet.where() + " prints, but printed nothing");
        }
        final List<String> recordLines = lines.stream().filter(l -> RECORD_LINE.matcher(l).matches())
                .collect(Collectors.toList());
        if (!recordLines.isEmpty()) {
            assertTrue(Files.isDirectory(journalDir), snippet.where() + " printed records but wrote no journal at "
                    + "\"my-journal\": " + recordLines);
            final Matcher first = RECORD_LINE.matcher(recordLines.get(0));
            assertTrue(first.matches());
            final List<String> journal = new ArrayList<>();
            try (JournalReader reader = JournalReader.open(journalDir, Long.parseLong(first.group(1)))) {
                for (JournalRecord r; (r = reader.next()) != null; ) {
                    journal.add(r.sequence() + ": " + new String(r.payload()));
                }
            }
            assertEquals(journal, recordLines, snippet.where() + ": printed records must be the journal's records");
        }
        checkKnownOutput(snippet, lines);
    }

    /**
     * What the README says its blocks print. The usage block ({@code N} producer threads each
     * append "hello from <id>", then "important" is appended and awaited; {@code N} read from
     * {@code new Thread[N]}, 4 today) prints records {@code 0} to {@code N}: one hello per producer
     * and "important", in the order the master drained them. The README promises each producer's
     * own order, not an order across producers ("Records of different producers appear in the order
     * the master drains them"), so "important" may come before a hello whose thread was joined
     * first (it did, once, in a full verify).
     */
    static void checkKnownOutput(Snippet snippet, List<String> lines) {
        if (snippet.code().contains("\"hello from \"") && snippet.code().contains("\"important\"")) {
            final Matcher threads = Pattern.compile("new Thread\\[(\\d+)]").matcher(snippet.code());
            final int n = threads.find() ? Integer.parseInt(threads.group(1)) : 4;
            assertEquals(n + 1, lines.size(), snippet.where() + " prints one line per record (" + n
                    + " hellos and important): " + lines);
            final Set<Integer> producers = new TreeSet<>();
            int important = 0;
            for (int i = 0; i <= n; i++) {
                final Matcher m = Pattern.compile(i + ": (?:hello from (\\d+)|important)").matcher(lines.get(i));
                assertTrue(m.matches(), snippet.where() + " line " + i + ": expected '" + i
                        + ": hello from <producer>' or '" + i + ": important', got '" + lines.get(i) + "'");
                if (m.group(1) == null) {
                    important++;
                } else {
                    assertTrue(producers.add(Integer.parseInt(m.group(1))), snippet.where() + ": two hellos from one producer: " + lines);
                }
            }
            assertEquals(IntStream.range(0, n).boxed().collect(Collectors.toSet()), producers,
                    snippet.where() + ": one hello per producer: " + lines);
            assertEquals(1, important, snippet.where() + ": \"important\" once: " + lines);
        }
    }

    static String javaString(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
