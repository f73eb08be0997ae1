package io.mappedjournal.segment;

import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;
import io.mappedjournal.policy.RollPolicy;
import net.openhft.posix.PosixAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, item 6: retention ({@link SegmentLog#deleteBefore}) landing between a clean close's
 * final manifest write and the log's closed state. {@code Journal.deleteSegmentsBefore} checks the
 * journal is open before it calls the log, so a call that passed that check just before close
 * began reaches the log at any point of the close. If it lands after the final (clean) manifest it
 * writes a manifest marked not clean, and the next open scans everything. The seam runs it at
 * exactly that point; after the close, the manifest on disk must say clean.
 */
class CloseRetentionRaceTest {
    @TempDir
    Path dir;

    @Test
    void retentionAfterTheFinalManifestCannotUndoTheCleanMark() throws IOException {
        final PosixAPI posix = PosixAPI.posix();
        final long length = 1 << 20;
        final FileSyncer syncer = new MsyncSyncer(posix);
        // One sealed segment [0, 10) (its file need not exist: deleteIfExists) and an active one from 10.
        final Segment active = Segment.prepare(dir, 1, length, posix);
        active.activate(new SegmentHeader(1, 10, length, System.currentTimeMillis()), syncer);
        final List<Manifest.Entry> sealed = List.of(new Manifest.Entry(0, 10, 0, 4096, true));
        final SegmentLog log = new SegmentLog(dir, length, syncer, new SegmentPreallocator(dir, length, posix, 2),
                RollPolicy.whenFull(), ManifestStore.forWriting(dir, 0), Long.MAX_VALUE, sealed, 0, active,
                SegmentHeaderDescriptor.DATA_OFFSET, 10);
        log.writeManifest(false);

        final AtomicReference<Object> retention = new AtomicReference<>();
        log.afterFinalManifestForTest(() -> {
            // A deleteSegmentsBefore that passed the journal's open check before close began lands now.
            try {
                retention.set(log.deleteBefore(10));
            } catch (IOException e) {
                retention.set(e);
            }
        });
        log.closeClean();

        assertNotNull(retention.get(), "the seam ran retention during the close");
        final ManifestStore.ReadResult read = ManifestStore.read(dir);
        assertNotNull(read.manifest, "a manifest: " + read.problems);
        assertTrue(read.manifest.clean(), "the manifest after a clean close says clean; retention landed during the close"
                + " and got: " + retention.get());
        assertTrue(retention.get() instanceof IOException, "retention after the final manifest is refused: " + retention.get());
        assertEquals(2, read.manifest.segments().size(), "the sealed segment is still named: " + read.manifest.segments().size());
        assertTrue(Files.exists(active.path()), "the active segment stays");
    }
}
