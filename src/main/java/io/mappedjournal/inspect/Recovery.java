package io.mappedjournal.inspect;

import io.mappedjournal.RecoveryReport;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.recovery.RecoveryPlan;
import io.mappedjournal.recovery.RecoveryScan;
import io.mappedjournal.recovery.Repair;
import io.mappedjournal.segment.MsyncSyncer;
import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Recovery as an explicit step, as {@code Journal.open} runs it: a read-only {@link #scan}, whose
 * plan can be described, then {@link #repair}. The caller holds the journal's lock (or accepts a
 * moving target for a dry run). Confined to one thread.
 */
public final class Recovery {
    /**
     * A byte range repair zeroes or covers with a skip frame.
     *
     * @param file   the segment file
     * @param offset the range's first byte
     * @param length its length in bytes
     */
    public record ChangedRange(Path file, long offset, long length) {
    }

    private final Path dir;
    private final RecoveryPlan plan;

    private Recovery(Path dir, RecoveryPlan plan) {
        this.dir = dir;
        this.plan = plan;
    }

    /**
     * Scans the journal in {@code dir} without changing anything.
     *
     * @param dir  the journal directory
     * @param mode what to scan and what to refuse
     * @return the scan's plan
     * @throws io.mappedjournal.CorruptJournalException when the mode refuses what was found
     * @throws IOException if a file cannot be read
     */
    public static Recovery scan(Path dir, RecoveryMode mode) throws IOException {
        return new Recovery(dir, RecoveryScan.scan(dir, mode));
    }

    /**
     * What the scan found and what repair does.
     *
     * @return the report
     */
    public RecoveryReport report() {
        return plan.report;
    }

    /**
     * Whether the directory holds no journal yet.
     *
     * @return true for a new journal
     */
    public boolean fresh() {
        return plan.fresh;
    }

    /**
     * Whether repair changes, sets aside or deletes any file (the manifest aside).
     *
     * @return true if it does
     */
    public boolean needsRepair() {
        return plan.needsRepair();
    }

    /**
     * Every step of the plan, in the order repair performs them, each described in one line.
     *
     * @return the descriptions
     */
    public List<String> steps() {
        final List<String> lines = new ArrayList<>();
        for (RecoveryPlan.Step s : plan.steps) {
            lines.add(s.describe());
        }
        return lines;
    }

    /**
     * The byte ranges repair zeroes or covers with skip frames, in the order it does: what
     * {@link #repair} with a backup copies aside first.
     *
     * @return the ranges
     */
    public List<ChangedRange> changedRanges() {
        final List<ChangedRange> ranges = new ArrayList<>();
        for (RecoveryPlan.Step s : plan.steps) {
            if (s instanceof RecoveryPlan.ZeroRange z) {
                ranges.add(new ChangedRange(z.file(), z.offset(), z.end() - z.offset()));
            } else if (s instanceof RecoveryPlan.SkipRange k) {
                ranges.add(new ChangedRange(k.file(), k.offset(), k.length()));
            }
        }
        return ranges;
    }

    /**
     * Applies the plan with {@code msync}, in its order: repairs durable before the manifest that
     * names their result, files set aside before it, leftovers deleted after it.
     *
     * @param keepBackup copy every range of {@link #changedRanges()} into {@code <segment>.<offset>.broken} first
     * @return the generation of the manifest written
     * @throws IOException if a file cannot be changed or synced, or a sync of this directory failed
     *                     earlier in this process
     */
    public long repair(boolean keepBackup) throws IOException {
        return Repair.apply(dir, plan, keepBackup, new MsyncSyncer(PosixAPI.posix())).generation();
    }
}
