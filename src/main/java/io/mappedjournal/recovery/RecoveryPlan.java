package io.mappedjournal.recovery;

import io.mappedjournal.RecoveryReport;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.Manifest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The outcome of a read-only {@link RecoveryScan}: the journal as it should be after repair, and
 * the {@link Step}s that get it there, in the order {@link Repair} carries them out. A dry run
 * only prints them.
 *
 * <p>The order is the durability argument ({@link Phase}): a segment's contents are repaired and
 * synced, then segments are set aside, then the manifest naming the result is written (the
 * commit point), then files it no longer names are deleted. Within a phase, steps keep the order
 * the scan found them in.
 */
public final class RecoveryPlan {
    /**
     * When {@link Repair} performs a step. Everything a manifest is about to name is durable
     * before the manifest is written; nothing is deleted before a manifest no longer names it.
     */
    public enum Phase {
        /** Files given their header's length back, each synced. */
        RESTORE_LENGTH,
        /** Bytes after a segment's last valid frame zeroed (copied aside first by the tool), synced. */
        ZERO,
        /** Damaged bytes covered with skip frames (copied aside first by the tool), synced. */
        SKIP,
        /** Seal markers written where a salvaged segment's frames end, synced. */
        SEAL,
        /** The frames found valid synced (after a process crash they may be only in the page cache). */
        SYNC_VALID,
        /** Segments renamed aside, before the manifest that no longer names them. */
        SET_ASIDE,
        /** The directory fsynced and the manifest written: the commit point. */
        COMMIT,
        /** Files no manifest names any more deleted, after the manifest. */
        DELETE
    }

    /** One step of the plan: what it changes, and one line saying so. */
    public sealed interface Step {
        /**
         * When repair performs this step.
         *
         * @return the phase
         */
        Phase phase();

        /**
         * One line saying what the step does, as the report lists it.
         *
         * @return the description
         */
        String describe();

        /**
         * Whether the report lists this step as an action (syncing the frames found valid and
         * writing the manifest are implied by every recovery, so they are not listed).
         *
         * @return true if {@link RecoveryReport#actions()} holds {@link #describe()}
         */
        default boolean listed() {
            return true;
        }
    }

    /**
     * Give {@code file} back the length its header records (it was truncated or extended from outside).
     *
     * @param file   the segment file
     * @param length the header's length
     */
    public record Resize(Path file, long length) implements Step {
        @Override
        public Phase phase() {
            return Phase.RESTORE_LENGTH;
        }

        @Override
        public String describe() {
            return "restore the length of " + file.getFileName() + " to " + length + " bytes";
        }
    }

    /**
     * Zero the bytes of {@code file} in {@code [offset, end)}; {@code end} is past the last non-zero byte.
     *
     * @param file   the segment file
     * @param offset first byte to zero
     * @param end    one past the last byte to zero
     */
    public record ZeroRange(Path file, long offset, long end) implements Step {
        @Override
        public Phase phase() {
            return Phase.ZERO;
        }

        @Override
        public String describe() {
            return "zero " + file.getFileName() + " [" + offset + ", " + end + ")";
        }
    }

    /**
     * Cover {@code [offset, offset + length)} of {@code file} with a skip frame (skip-corrupted only).
     *
     * @param file   the segment file
     * @param offset offset of the damaged bytes, where the skip frame goes
     * @param length bytes to step over
     */
    public record SkipRange(Path file, long offset, long length) implements Step {
        @Override
        public Phase phase() {
            return Phase.SKIP;
        }

        @Override
        public String describe() {
            return "cover " + file.getFileName() + " [" + offset + ", " + (offset + length) + ") with a skip frame";
        }
    }

    /**
     * Write a seal marker at {@code offset} of {@code file} (skip-corrupted: a salvaged segment followed by another).
     *
     * @param file   the segment file
     * @param offset where its frames end
     */
    public record Seal(Path file, long offset) implements Step {
        @Override
        public Phase phase() {
            return Phase.SEAL;
        }

        @Override
        public String describe() {
            return "seal " + file.getFileName() + " at " + offset;
        }
    }

    /**
     * Sync {@code [DATA_OFFSET, end)} of {@code file}: the frames the scan found valid, which may
     * still be only in the page cache after a process crash, become durable before a manifest
     * records them as the checkpoint.
     *
     * @param file the segment file
     * @param end  where its valid frames end
     */
    public record SyncValid(Path file, long end) implements Step {
        @Override
        public Phase phase() {
            return Phase.SYNC_VALID;
        }

        @Override
        public String describe() {
            return "sync " + file.getFileName() + " [" + SegmentHeaderDescriptor.DATA_OFFSET + ", " + end + ")";
        }

        @Override
        public boolean listed() {
            return false;
        }
    }

    /**
     * Set {@code file} aside as {@code target} ({@code <name>.gen<G>.discarded}, G the generation of
     * the manifest this repair writes).
     *
     * @param file   the segment file
     * @param target its new name (a numeric suffix is added if that name is taken)
     * @param why    why it leaves the journal
     */
    public record SetAside(Path file, Path target, String why) implements Step {
        @Override
        public Phase phase() {
            return Phase.SET_ASIDE;
        }

        @Override
        public String describe() {
            return "set aside " + file.getFileName() + " as " + target.getFileName() + " (" + why + ")";
        }
    }

    /**
     * Take {@code file} into the journal as its manifest will name it (nothing to write: the manifest does it).
     *
     * @param file the segment file
     * @param how  what created it
     */
    public record Adopt(Path file, String how) implements Step {
        @Override
        public Phase phase() {
            return Phase.COMMIT;
        }

        @Override
        public String describe() {
            return "adopt " + file.getFileName() + " (" + how + ")";
        }
    }

    /**
     * A listed segment an interrupted recovery had set aside: the manifest written now finishes that decision.
     *
     * @param file the segment file (no longer there)
     */
    public record FinishSetAside(Path file) implements Step {
        @Override
        public Phase phase() {
            return Phase.COMMIT;
        }

        @Override
        public String describe() {
            return "finish setting aside " + file.getFileName() + " (interrupted recovery)";
        }
    }

    /**
     * Fsync the directory, then write the manifest describing the result (generation one above
     * {@code lastGeneration}), unless no segment remains (the journal creates one and writes it).
     *
     * @param lastGeneration the generation of the manifest the scan read (0 if none)
     */
    public record WriteManifest(long lastGeneration) implements Step {
        @Override
        public Phase phase() {
            return Phase.COMMIT;
        }

        @Override
        public String describe() {
            return "write manifest generation " + (lastGeneration + 1);
        }

        @Override
        public boolean listed() {
            return false;
        }
    }

    /**
     * Delete a leftover {@code .prealloc} file (a crash while preparing a segment).
     *
     * @param file the leftover
     */
    public record DeletePreallocated(Path file) implements Step {
        @Override
        public Phase phase() {
            return Phase.DELETE;
        }

        @Override
        public String describe() {
            return "delete unused preallocated segment " + file.getFileName();
        }
    }

    /**
     * Delete a segment below the retention low-water mark (retention wrote its manifest and
     * crashed before deleting the file).
     *
     * @param file     the segment file
     * @param lowWater the manifest's low-water mark
     */
    public record DeleteBelowLowWater(Path file, long lowWater) implements Step {
        @Override
        public Phase phase() {
            return Phase.DELETE;
        }

        @Override
        public String describe() {
            return "delete " + file.getFileName() + " (below retention low-water mark " + lowWater + ")";
        }
    }

    /** True when the directory holds no journal yet. */
    public final boolean fresh;
    /** The segment list after repair; the last entry is active, its valid length is the end. May be empty (see {@link #nextSequence}). */
    public final List<Manifest.Entry> segments;
    /** The retention low-water mark the repaired manifest records. */
    public final long lowWaterSequence;
    /** Highest manifest generation seen (the next write uses the one after it). */
    final long lastGeneration;
    /** Sequence of the next record: where a new active segment starts when {@link #segments} is empty or ends sealed. */
    public final long nextSequence;
    /** Index for a new segment created at open (one past the highest index seen). */
    public final long nextSegmentIndex;
    /** The repairs, in the order {@link Repair} performs them (by {@link Phase}, then as found). */
    public final List<Step> steps;
    /** What the scan found and what the repair does. */
    public final RecoveryReport report;

    /**
     * @param found the steps in the order the scan found them (the report lists them in this
     *              order); a {@link WriteManifest} is added, and the steps are ordered by phase
     */
    RecoveryPlan(boolean fresh, List<Manifest.Entry> segments, long lowWaterSequence, long lastGeneration,
                 long nextSequence, long nextSegmentIndex, List<Step> found, RecoveryReport report) {
        this.fresh = fresh;
        this.segments = List.copyOf(segments);
        this.lowWaterSequence = lowWaterSequence;
        this.lastGeneration = lastGeneration;
        this.nextSequence = nextSequence;
        this.nextSegmentIndex = nextSegmentIndex;
        final List<Step> ordered = new ArrayList<>(found);
        ordered.add(new WriteManifest(lastGeneration));
        ordered.sort(Comparator.comparing(Step::phase)); // stable: found order within a phase
        this.steps = List.copyOf(ordered);
        this.report = report;
    }

    /**
     * The report's action lines for {@code found}: each listed step's description, in the order found.
     *
     * @param found the steps in the order the scan found them
     * @return their descriptions
     */
    static List<String> actions(List<Step> found) {
        final List<String> lines = new ArrayList<>();
        for (Step s : found) {
            if (s.listed()) {
                lines.add(s.describe());
            }
        }
        return lines;
    }

    /**
     * The steps of type {@code type}, in order.
     *
     * @param type the step's record class
     * @param <S>  the step type
     * @return those steps
     */
    public <S extends Step> List<S> steps(Class<S> type) {
        final List<S> out = new ArrayList<>();
        for (Step s : steps) {
            if (type.isInstance(s)) {
                out.add(type.cast(s));
            }
        }
        return out;
    }

    /**
     * True if the plan sets {@code file} aside.
     *
     * @param file a segment file
     * @return whether a {@link SetAside} step names it
     */
    boolean setsAside(Path file) {
        for (SetAside s : steps(SetAside.class)) {
            if (s.file().equals(file)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The active segment's entry after repair, or null when no segment remains.
     *
     * @return the last entry of {@link #segments}, or null
     */
    public Manifest.Entry active() {
        return segments.isEmpty() ? null : segments.get(segments.size() - 1);
    }

    /**
     * Whether {@link Repair} has to change, set aside or delete any file (the manifest aside).
     *
     * @return true if any resize, zero range, skip range, seal, set-aside or deletion is planned
     */
    public boolean needsRepair() {
        for (Step s : steps) {
            if (s.phase() != Phase.SYNC_VALID && s.phase() != Phase.COMMIT) {
                return true;
            }
        }
        return false;
    }
}
