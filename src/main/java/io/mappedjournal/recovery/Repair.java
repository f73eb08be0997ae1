package io.mappedjournal.recovery;

import io.mappedjournal.fileio.DurableFiles;
import io.mappedjournal.fileio.SyncFailures;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentFiles;
import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Applies a {@link RecoveryPlan}: the explicit, writing step after the read-only scan. It performs
 * the plan's steps in their order ({@link RecoveryPlan.Phase}):
 * <ol>
 *   <li>segment contents (lengths restored, torn tails zeroed, skip frames, seal markers), each
 *       synced; then the frames found valid are synced too, and the seal marker after them when
 *       the manifest will call the segment sealed (after a process crash they may be only in the
 *       page cache, and the manifest is about to record them as durable);</li>
 *   <li>segments set aside (renamed {@code .gen<G>.discarded}, G the generation of the manifest below); the directory fsynced, also when
 *       nothing was set aside (a segment adopted from an interrupted roll may have been renamed
 *       without its directory fsync);</li>
 *   <li>the manifest describing the result (the commit point);</li>
 *   <li>files no longer named by it deleted (leftover preallocations, retention leftovers),
 *       directory fsynced.</li>
 * </ol>
 * A crash at any point leaves a journal the next scan repairs the same way: zeroing is
 * idempotent, a listed segment found set aside finishes being set aside, and files the manifest
 * no longer names are explained by it.
 */
public final class Repair {
    private Repair() {
    }

    /**
     * Applies {@code plan} to the journal in {@code dir}, in the order above.
     *
     * @param dir        the journal directory
     * @param plan       the plan a {@link RecoveryScan} of {@code dir} produced
     * @param keepBackup copy every byte range about to be zeroed or skipped into
     *                   {@code <segment>.<offset>.broken} beside it first
     * @param syncer     makes each changed range durable
     * @return the manifest written, or (when no segment remains, the caller creates one and
     *         writes it) a manifest carrying the plan's last generation
     * @throws IOException if a file cannot be resized, written, synced, renamed or deleted, or the
     *                     manifest cannot be written, or a sync of this directory failed earlier in
     *                     this process ({@link SyncFailures})
     * @throws io.mappedjournal.CorruptJournalException if a segment to change fails the checks of
     *                     {@link Segment#open} (it changed since the scan)
     */
    public static Manifest apply(Path dir, RecoveryPlan plan, boolean keepBackup, FileSyncer syncer) throws IOException {
        SyncFailures.checkRecoverable(dir);
        Manifest written = null;
        boolean deleted = false;
        for (RecoveryPlan.Step step : plan.steps) {
            if (step instanceof RecoveryPlan.Resize r) {
                resize(r);
            } else if (step instanceof RecoveryPlan.ZeroRange z) {
                zero(z, keepBackup, syncer);
            } else if (step instanceof RecoveryPlan.SkipRange r) {
                skip(r, keepBackup, syncer);
            } else if (step instanceof RecoveryPlan.Seal seal) {
                try (Segment segment = Segment.open(seal.file(), false)) {
                    segment.store().writeOrderedInt(FrameDescriptor.lengthOffset(seal.offset()), FrameDescriptor.SEAL_MARKER);
                    syncer.sync(segment, seal.offset(), seal.offset() + FrameDescriptor.ALIGNMENT);
                }
            } else if (step instanceof RecoveryPlan.SyncValid r) {
                syncValid(dir, plan, r, syncer);
            } else if (step instanceof RecoveryPlan.SetAside s) {
                Path target = s.target(); // named after the manifest written below
                for (int n = 1; Files.exists(target); n++) {
                    target = s.target().resolveSibling(s.target().getFileName() + "." + n);
                }
                Files.move(s.file(), target, StandardCopyOption.ATOMIC_MOVE);
            } else if (step instanceof RecoveryPlan.WriteManifest) {
                // The manifest may name a segment whose entry is not durable yet: one a roll renamed from
                // .prealloc and died before its directory fsync (adopted by the scan).
                SegmentFiles.fsyncDirectory(dir);
                final Manifest manifest = new Manifest(plan.lastGeneration, plan.lowWaterSequence, false, plan.segments);
                written = plan.segments.isEmpty() ? manifest
                        : ManifestStore.forWriting(dir, plan.lastGeneration).write(manifest);
            } else if (step instanceof RecoveryPlan.DeletePreallocated d) {
                // Deleting after the manifest no longer names the files: a crash in between leaves files
                // the next scan explains (leftover preallocations, or segments below the low-water mark).
                Files.deleteIfExists(d.file());
                deleted = true;
            } else if (step instanceof RecoveryPlan.DeleteBelowLowWater d) {
                Files.deleteIfExists(d.file());
                deleted = true;
            }
            // Adopt, FinishSetAside: the manifest written at COMMIT records them
        }
        if (deleted) {
            SegmentFiles.fsyncDirectory(dir);
        }
        return written;
    }

    private static void resize(RecoveryPlan.Resize r) throws IOException {
        final long actual = Files.size(r.file());
        if (actual < r.length()) {
            DurableFiles.fileOps().allocate(r.file(), r.length(), PosixAPI.posix());
        } else if (actual > r.length()) {
            try (FileChannel ch = FileChannel.open(r.file(), StandardOpenOption.WRITE)) {
                ch.truncate(r.length());
                DurableFiles.force(ch, r.file());
            }
        }
    }

    private static void zero(RecoveryPlan.ZeroRange z, boolean keepBackup, FileSyncer syncer) throws IOException {
        try (Segment segment = Segment.open(z.file(), false)) {
            if (keepBackup) {
                backup(segment, z.offset(), z.end() - z.offset());
            }
            segment.store().zeroOut(z.offset(), z.end());
            syncer.sync(segment, z.offset(), z.end());
        }
    }

    private static void skip(RecoveryPlan.SkipRange r, boolean keepBackup, FileSyncer syncer) throws IOException {
        try (Segment segment = Segment.open(r.file(), false)) {
            if (keepBackup) {
                backup(segment, r.offset(), r.length());
            }
            // A skip frame's length is an int: cover a huge range with a chain of them.
            long at = r.offset();
            final long end = r.offset() + r.length();
            while (at < end) {
                final long chunk = Math.min(end - at, 1L << 30);
                final int commit = (int) -chunk;
                segment.store().writeInt(FrameDescriptor.crcOffset(at), FrameDescriptor.skipCheck(commit));
                segment.store().writeOrderedInt(FrameDescriptor.lengthOffset(at), commit);
                at += chunk;
            }
            syncer.sync(segment, r.offset(), end);
        }
    }

    private static void syncValid(Path dir, RecoveryPlan plan, RecoveryPlan.SyncValid r, FileSyncer syncer)
            throws IOException {
        if (plan.setsAside(r.file())) {
            return;
        }
        try (Segment segment = Segment.open(r.file(), false)) {
            // A segment the manifest will call sealed at r.end: its seal marker too (a roll
            // that died before its seal sync left the marker in the page cache only).
            final long end = sealedAt(dir, plan, r.file()) == r.end()
                    ? Math.min(segment.length(), r.end() + FrameDescriptor.ALIGNMENT) : r.end();
            syncer.sync(segment, SegmentHeaderDescriptor.DATA_OFFSET, end);
        }
    }

    /** The offset where {@code file}'s entry in the plan's result is sealed, or -1 if it is not sealed there. */
    private static long sealedAt(Path dir, RecoveryPlan plan, Path file) {
        for (Manifest.Entry e : plan.segments) {
            if (e.sealed && SegmentFiles.segmentPath(dir, e.firstSequence).equals(file)) {
                return e.validLength;
            }
        }
        return -1;
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
