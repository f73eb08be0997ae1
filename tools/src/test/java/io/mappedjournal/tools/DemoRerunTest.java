package io.mappedjournal.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rerun of demo says it appends to the existing journal and how big it is; --fresh starts over. */
class DemoRerunTest {
    @TempDir
    Path tmp;

    @Test
    void aRerunSaysItReusesTheDirectoryAndFreshEmptiesIt() throws Exception {
        final Path dir = tmp.resolve("demo");
        final String[] args = {"demo", "--dir", dir.toString(), "--threads", "1", "--seconds", "0.2"};
        final Cli.Run first = Cli.run(args);
        assertEquals(0, first.exit, first.toString());
        assertTrue(first.err.startsWith("demo: new journal in " + dir + "\n"), first.err);

        final Cli.Run second = Cli.run(args);
        assertEquals(0, second.exit, second.toString());
        assertTrue(second.err.split("\n")[0].matches("demo: reusing " + java.util.regex.Pattern.quote(dir.toString())
                + " \\(\\d+ files, [0-9,]+ MB\\): this run appends after the records already there \\(--fresh starts over\\)"),
                second.err);
        assertTrue(second.out.matches("(?s).*\\(sequences [1-9]\\d*\\.\\..*"), "appended after the first run: " + second.out);

        final Cli.Run fresh = Cli.run("demo", "--dir", dir.toString(), "--threads", "1", "--seconds", "0.2", "--fresh");
        assertEquals(0, fresh.exit, fresh.toString());
        assertTrue(fresh.err.split("\n")[0].matches("demo: --fresh: deleted the journal in "
                + java.util.regex.Pattern.quote(dir.toString()) + " \\(\\d+ files, [0-9,]+ MB\\)"), fresh.err);
        assertTrue(fresh.out.contains("(sequences 0.."), fresh.out);

        Files.writeString(dir.resolve("notes.txt"), "mine");
        final Cli.Run refused = Cli.run("demo", "--dir", dir.toString(), "--fresh");
        assertEquals(2, refused.exit, refused.toString());
        assertEquals("journal: --fresh refuses to empty " + dir + ": it holds files that are not a journal's: [notes.txt]"
                + " (see 'journal demo --help')\n", refused.err);
        assertTrue(Files.exists(dir.resolve("notes.txt")));
    }
}
