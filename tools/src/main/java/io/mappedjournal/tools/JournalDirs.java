package io.mappedjournal.tools;

import io.mappedjournal.JournalReader;
import io.mappedjournal.inspect.JournalFiles;

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

    /**
     * True if a writer holds the journal's lock (a live journal: its tail is being written, so an
     * incomplete last frame is in flight, not damage). Asks with a shared {@code tryLock} on the
     * lock file, released at once; a writer opening in that instant would find it locked (a
     * window of microseconds). Never creates the lock file.
     */
    static boolean writerHolds(Path dir) {
        final Path lock = JournalFiles.lockFile(dir);
        if (!Files.isRegularFile(lock)) {
            return false;
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lock, java.nio.file.StandardOpenOption.READ)) {
            final java.nio.channels.FileLock l = ch.tryLock(0, Long.MAX_VALUE, true);
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true; // held by this JVM (an embedding application, or a test)
        } catch (IOException e) {
            return false;
        }
    }

    /** The stderr note every read-only command prints first when a writer holds the journal. */
    static void noteLiveWriter(Path dir, java.io.PrintWriter err, String command) {
        if (writerHolds(dir)) {
            err.println("journal " + command + ": a writer holds " + JournalFiles.lockFile(dir)
                    + " (the journal is open): checked what was on disk now, up to the end shown below; frames past the"
                    + " writer's last sync may still be in flight, so a torn tail there is expected, not damage");
            err.flush();
        }
    }
}
