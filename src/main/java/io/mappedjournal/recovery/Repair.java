package io.mappedjournal.recovery;

import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Applies a {@link RecoveryPlan}: the explicit, writing step after the read-only scan. Each
 * change is synced before the manifest that describes the result is written, so a crash during
 * repair leaves a journal that the next recovery scan repairs the same way.
 */
public final class Repair {
    private Repair() {
    }

    /**
     * @param keepBackup copy every byte range about to be zeroed or skipped into
     *                   {@code <segment>.<offset>.broken} beside it first
     * @return the manifest written
     */
    public static Manifest apply(Path dir, RecoveryPlan plan, boolean keepBackup, FileSyncer syncer) throws IOException {
        for (RecoveryPlan.ZeroRange z : plan.zeroRanges) {
            try (Segment segment = Segment.open(z.file, false)) {
                if (keepBackup) {
                    backup(segment, z.offset, z.end - z.offset);
                }
                segment.store().zeroOut(z.offset, z.end);
                syncer.sync(segment, z.offset, z.end);
            }
        }
        for (RecoveryPlan.SkipRange r : plan.skipRanges) {
            try (Segment segment = Segment.open(r.file, false)) {
                if (keepBackup) {
                    backup(segment, r.offset, r.length);
                }
                segment.store().writeOrderedInt(r.offset, (int) -r.length);
                syncer.sync(segment, r.offset, r.offset + 8);
            }
        }
        boolean dirChanged = false;
        for (Path p : plan.discards) {
            Files.move(p, p.resolveSibling(p.getFileName() + ".discarded"), StandardCopyOption.ATOMIC_MOVE);
            dirChanged = true;
        }
        final Manifest manifest = new Manifest(0, plan.lowWaterSequence, false, plan.segments);
        final Manifest written = plan.segments.isEmpty() ? manifest
                : ManifestStore.forWriting(dir, plan.lastGeneration).write(manifest);
        // Deleting after the manifest no longer names the files: a crash in between leaves files
        // the next scan explains (leftover preallocations, or segments below the low-water mark).
        for (Path p : plan.deletions) {
            Files.deleteIfExists(p);
            dirChanged = true;
        }
        if (dirChanged) {
            SegmentFiles.fsyncDirectory(dir);
        }
        return written;
    }

    private static void backup(Segment segment, long offset, long length) throws IOException {
        final Path target = segment.path().resolveSibling(segment.path().getFileName() + "." + offset + ".broken");
        final byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(target)) {
            long done = 0;
            while (done < length) {
                final int n = (int) Math.min(chunk.length, length - done);
                segment.store().read(offset + done, chunk, 0, n);
                out.write(chunk, 0, n);
                done += n;
            }
        }
    }
}
