package io.mappedjournal.segment;

import io.mappedjournal.format.SegmentHeader;
import net.openhft.posix.PosixAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sealer's end of a segment ({@link MsyncSyncer#syncAndClose}): the mapping is gone before
 * the file is synced (no write-back of still-mapped pages), the bytes written through the mapping
 * are in the file, and the segment cannot be used afterwards.
 */
class SealSyncTest {
    @TempDir
    Path dir;

    @Test
    void unmapsThenSyncsWhatWasWrittenThroughTheMapping() throws IOException {
        final PosixAPI posix = PosixAPI.posix();
        final long length = 1 << 20;
        final Segment segment = Segment.prepare(dir, 7, length, posix);
        final MsyncSyncer syncer = new MsyncSyncer(posix);
        segment.activate(new SegmentHeader(7, 100, length, System.currentTimeMillis()), syncer);
        final long offset = 512 * 1024 + 13;
        for (int i = 0; i < 1000; i++) {
            segment.store().writeByte(offset + i, (byte) (i * 7 + 1));
        }
        final Path path = segment.path();
        assertTrue(mapped(path), "mapped while active: " + path);

        syncer.syncAndClose(segment, 0, offset + 1000);

        assertFalse(mapped(path), "unmapped after the seal sync: " + path);
        final ByteBuffer read = ByteBuffer.allocate(1000);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.read(read, offset);
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals((byte) (i * 7 + 1), read.get(i), "byte " + i + " at offset " + (offset + i));
        }
        assertThrows(IllegalStateException.class, segment::closeAndSync, "a closed segment is not synced again");
    }

    private static boolean mapped(Path path) throws IOException {
        final String name = path.toAbsolutePath().toString();
        for (String line : Files.readAllLines(Paths.get("/proc/self/maps"))) {
            if (line.endsWith(name)) {
                return true;
            }
        }
        return false;
    }
}
