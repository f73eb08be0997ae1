package io.mappedjournal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ResourceTest {
    @TempDir
    Path dir;

    private List<String> mappingsUnder(Path d) throws IOException {
        final String prefix = d.toRealPath().toString();
        final List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get("/proc/self/maps"))) {
            if (line.contains(prefix)) {
                found.add(line);
            }
        }
        return found;
    }

    private List<String> descriptorsUnder(Path d) throws IOException {
        final String prefix = d.toRealPath().toString();
        final List<String> found = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    final String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix)) {
                        found.add(target);
                    }
                } catch (IOException e) {
                    // the descriptor closed while listing
                }
            }
        }
        return found;
    }

    @Test
    void shouldUnmapAndCloseEveryFileOnClose() throws Exception {
        try (Journal journal = Journal.open(JournalConfig.builder(dir).segmentSize(64 << 10).maxRecordSize(1024).build())) {
            for (int n = 0; n < 3000; n++) {
                journal.append(TestPayloads.of(0, n, 100));
            }
            journal.flush();
            assertTrue(journal.metrics().rolls() >= 3);
            try (JournalReader reader = journal.reader(0)) {
                assertNotNull(reader.next());
                assertFalse(mappingsUnder(dir).isEmpty(), "segments are mapped while open");
            }
        }
        assertEquals(List.of(), mappingsUnder(dir), "no mapping left after close");
        assertEquals(List.of(), descriptorsUnder(dir), "no descriptor left after close");
    }

    @Test
    void shouldRefuseASecondWriterOnTheSameDirectory() throws Exception {
        try (Journal journal = Journal.open(dir)) {
            final JournalLockedException e = assertThrows(JournalLockedException.class, () -> Journal.open(dir));
            assertEquals("journal is already open in this process: dir=" + dir.toAbsolutePath(), e.getMessage());
            assertTrue(journal.isOpen());
        }
        try (Journal again = Journal.open(dir)) {
            assertTrue(again.isOpen(), "the lock is released by close");
        }
    }

    /** A JVM started without the Chronicle flags gets a message naming them, not an obscure error. */
    @Test
    void shouldNameTheMissingJvmFlags() throws Exception {
        final String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        final Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                OpenWithoutFlags.class.getName(), dir.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("mapped-journal needs these JVM flags"), out);
        assertTrue(out.contains("--add-opens=java.base/java.lang.reflect=ALL-UNNAMED"), out);
        assertTrue(out.contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"), out);
        assertTrue(JvmFlags.missing().isEmpty(), "this test JVM has them all: " + JvmFlags.missing());
    }

    /** Child process main: opens a journal and prints the exception's message. */
    public static final class OpenWithoutFlags {
        public static void main(String[] args) {
            try (Journal j = Journal.open(Paths.get(args[0]))) {
                System.out.println("opened (unexpected)");
                System.exit(2);
            } catch (JournalException e) {
                System.out.println(e.getMessage());
            } catch (Throwable t) {
                System.out.println("unexpected " + t);
                System.exit(3);
            }
        }
    }
}
