package io.mappedjournal.crash;

import io.mappedjournal.Journal;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.recovery.RecoveryPlan;
import io.mappedjournal.recovery.RecoveryScan;
import io.mappedjournal.recovery.Repair;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.MsyncSyncer;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentFiles;
import net.openhft.posix.PosixAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.mappedjournal.crash.CrashTestSupport.config;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Recovery's own repairs are durable before a manifest names them (issue 11, defect 2): a seal
 * marker recovery finds but that was never synced (the roll that wrote it died before its seal
 * sync) is synced by the repair before the manifest records the segment as sealed.
 */
class RepairDurabilityTest {
    @TempDir(factory = ShmTempDir.class)
    Path tmp;

    private static final int PAGE = 4096;

    @Test
    void shouldSyncTheSealMarkerPageBeforeTheManifestNamesTheSegmentSealed() throws Exception {
        final Path dir = tmp.resolve("j");
        // Frames ending exactly at a page boundary, so the marker after them is the page's first bytes.
        final long markerOffset = 15L * PAGE;
        try (Journal j = Journal.open(config(dir).syncPolicy(SyncPolicy.none()).build())) {
            long at = SegmentHeaderDescriptor.DATA_OFFSET;
            long receipt = -1;
            while (at < markerOffset) {
                final long frame = Math.min(1024, markerOffset - at);
                final int payload = (int) (frame - FrameDescriptor.HEADER_LENGTH);
                assertEquals(frame, FrameDescriptor.frameLength(payload), "frame length of payload " + payload);
                receipt = j.append(new byte[payload]);
                at += frame;
            }
            assertTrue(j.awaitDurable(receipt, 30, TimeUnit.SECONDS));
        }
        // A roll wrote the seal marker, then the process died before the seal sync: the marker is
        // in the page cache only (written here through the file, never synced).
        final Path segment = SegmentFiles.segmentPath(dir, 0);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            final ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, FrameDescriptor.SEAL_MARKER);
            ch.write(b, FrameDescriptor.lengthOffset(markerOffset));
        }
        final RecoveryPlan plan = RecoveryScan.scan(dir, RecoveryMode.TOLERATE_TAIL);
        final Manifest.Entry entry = plan.segments.get(0);
        assertTrue(entry.sealed && entry.validLength == markerOffset, "precondition: recovery takes the marker as the"
                + " seal: " + entry);

        final List<long[]> synced = new ArrayList<>();
        final MsyncSyncer real = new MsyncSyncer(PosixAPI.posix());
        final FileSyncer recording = (Segment s, long from, long to) -> {
            real.sync(s, from, to);
            if (s.path().equals(segment)) {
                synced.add(new long[]{from, to});
            }
        };
        Repair.apply(dir, plan, false, recording);

        // msync covers the pages of [from & -PAGE, to)
        final boolean markerSynced = synced.stream().anyMatch(r -> (r[0] & -PAGE) <= markerOffset && r[1] > markerOffset);
        final StringBuilder ranges = new StringBuilder();
        synced.forEach(r -> ranges.append("[").append(r[0]).append(", ").append(r[1]).append(")"));
        assertTrue(markerSynced, "the manifest names " + segment.getFileName() + " sealed at " + markerOffset
                + " but recovery never synced the seal marker's page: synced ranges=" + ranges);
    }
}
