package io.mappedjournal.jcstress.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Directories for the file-backed tests. The base is {@code -Dmj.jcstress.dir}, else
 * {@code /dev/shm} when it is a writable directory (tmpfs: the tests verify memory ordering and
 * file protocols, not the disk; fsync there costs nothing, so jcstress spends its time on
 * interleavings), else {@code java.io.tmpdir}. Each test state deletes its own directory in its
 * arbiter.
 */
public final class TestDirs {
    private static final Path BASE = base();

    private TestDirs() {
    }

    private static Path base() {
        final String configured = System.getProperty("mj.jcstress.dir");
        if (configured != null) {
            return Paths.get(configured);
        }
        final Path shm = Paths.get("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm;
        }
        return Paths.get(System.getProperty("java.io.tmpdir"));
    }

    public static Path base0() {
        return BASE;
    }

    public static Path newDir(String prefix) {
        try {
            Files.createDirectories(BASE);
            return Files.createTempDirectory(BASE, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
