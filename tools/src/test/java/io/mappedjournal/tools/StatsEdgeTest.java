package io.mappedjournal.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stats says why it exits 1, and never reports more bytes used than a segment file holds. */
class StatsEdgeTest {
    @TempDir
    Path tmp;

    @Test
    void anEmptyDirectoryExitsOneSayingThereIsNoJournal() throws Exception {
        final Path empty = Files.createDirectories(tmp.resolve("empty"));
        final Cli.Run run = Cli.run("stats", empty.toString());
        assertEquals(1, run.exit, run.toString());
        assertTrue(run.out.endsWith("problem: no journal here: no manifest (manifest.0, manifest.1) and no segment files\n"),
                run.out);
    }

    @Test
    void aSealedSegmentTruncatedToHalfIsAProblem() throws Exception {
        final Path dir = Cli.copyFixture("clean", tmp);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("00000000000000000000.seg").toFile(), "rw")) {
            f.setLength(32768);
        }
        final Cli.Run run = Cli.run("stats", dir.toString());
        assertEquals(1, run.exit, run.toString());
        assertTrue(run.out.contains("problem: 00000000000000000000.seg: the file is 32768 bytes, shorter than the 65528"
                + " bytes of frames the manifest records (truncated)\n"), run.out);
    }
}
