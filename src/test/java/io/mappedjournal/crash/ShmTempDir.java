package io.mappedjournal.crash;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Temporary directories on tmpfs ({@code /dev/shm}) where there is one: the image-based crash
 * and corruption tests run thousands of recoveries, each with a few fsyncs that cost nothing on
 * tmpfs and milliseconds on a shared disk. They simulate crashes by writing damaged images, so
 * the disk's own durability plays no part in what they check. Falls back to the default temp dir.
 */
public final class ShmTempDir implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
        final Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, "mapped-journal-test-");
        }
        return Files.createTempDirectory("mapped-journal-test-");
    }
}
