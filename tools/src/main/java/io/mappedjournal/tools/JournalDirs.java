package io.mappedjournal.tools;

import io.mappedjournal.JournalReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** Checks shared by the commands that read a journal directory. */
final class JournalDirs {
    private JournalDirs() {
    }

    /**
     * Checks that {@code dir} is an existing directory and that this JVM has the flags Chronicle
     * needs (the library names any that are missing). Reads nothing, changes nothing.
     */
    static Path existing(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "journal directory not found");
        }
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString());
        }
        // JournalReader.open checks the JVM flags and maps nothing until next() is called.
        JournalReader.open(dir, 0).close();
        return dir;
    }
}
