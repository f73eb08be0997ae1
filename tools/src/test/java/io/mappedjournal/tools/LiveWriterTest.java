package io.mappedjournal.tools;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** verify, stats and recover --dry-run on a journal a live writer holds say so first, on stderr. */
class LiveWriterTest {
    @TempDir
    Path tmp;

    @Test
    void readOnlyCommandsNameTheLiveWritersLock() throws Exception {
        final Path dir = tmp.resolve("live");
        try (Journal journal = Journal.open(JournalConfig.builder(dir).build())) {
            for (int i = 0; i < 10; i++) {
                journal.append(Payloads.of(0, i, 40));
            }
            journal.flush();
            for (String[] args : new String[][]{{"verify", dir.toString()}, {"stats", dir.toString()},
                    {"recover", "--dry-run", dir.toString()}}) {
                final Cli.Run run = Cli.run(args);
                assertTrue(run.err.startsWith("journal " + args[0] + ": a writer holds " + dir.resolve("journal.lock")
                        + " (the journal is open): checked what was on disk now, up to the end shown below;"), run.toString());
            }
        }
        // Closed: no note.
        final Cli.Run closed = Cli.run("verify", dir.toString());
        assertEquals(0, closed.exit, closed.toString());
        assertEquals("", closed.err);
    }
}
