package io.mappedjournal.recovery;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.RecoveryReport;
import io.mappedjournal.RecoveryReport.Anomaly;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.recovery.RecoveryRules.Action;
import io.mappedjournal.recovery.RecoveryRules.Damage;
import io.mappedjournal.segment.SegmentFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one {@link RecoveryScan} has found so far: the anomalies, the repair steps in the order
 * found, the counters of the report. {@link #found} is where the mode decides
 * ({@link RecoveryRules}). Confined to the scanning thread.
 */
final class ScanState {
    final Path dir;
    final RecoveryMode mode;
    /** The generation of the manifest this scan reads (0 if none): repair writes the next one. */
    long readGeneration;
    int segmentsChecked;
    long framesRecovered;
    long bytesTruncated;
    long bytesSkipped;
    long maxIndex = -1;
    private final List<Anomaly> anomalies = new ArrayList<>();
    private final List<RecoveryPlan.Step> steps = new ArrayList<>();
    private final Set<Path> setAside = new HashSet<>();
    /** Lowest first sequence of the segments removed from the journal (cut, dropped, missing); -1 if none. */
    private long minRemoved = -1;

    ScanState(Path dir, RecoveryMode mode) {
        this.dir = dir;
        this.mode = mode;
    }

    /**
     * Records {@code damage} at {@code file}/{@code offset} and returns what the mode does about it.
     *
     * @throws CorruptJournalException if the mode refuses it
     */
    Action found(Damage damage, Path file, long offset, String reason) {
        final Action action = RecoveryRules.action(damage, mode);
        final Anomaly a = new Anomaly(file, offset, reason);
        if (action == Action.REFUSE) {
            throw new CorruptJournalException("recovery (" + mode.cliName() + ") refused: dir=" + dir + " " + a
                    + RecoveryRules.refusalHint(mode));
        }
        if (damage.anomaly) {
            anomalies.add(a);
        }
        return action;
    }

    /** What the mode does about {@code damage}, without recording anything. */
    Action rule(Damage damage) {
        return RecoveryRules.action(damage, mode);
    }

    void step(RecoveryPlan.Step step) {
        steps.add(step);
    }

    void removed(long firstSequence) {
        if (firstSequence >= 0 && (minRemoved < 0 || firstSequence < minRemoved)) {
            minRemoved = firstSequence;
        }
    }

    /** The segment at {@code path} leaves the journal: set aside if its file is there. */
    void discard(Path path, String why) {
        removed(SegmentFiles.firstSequenceOf(path.getFileName().toString()));
        if (Files.exists(path) && setAside.add(path)) {
            steps.add(new RecoveryPlan.SetAside(path, SegmentFiles.discardedPath(path, readGeneration + 1), why));
        }
    }

    long minRemoved() {
        return minRemoved;
    }

    RecoveryReport report(long nextSequence, long elapsedNanos, String source) {
        return new RecoveryReport(mode, segmentsChecked, framesRecovered, bytesTruncated, bytesSkipped, nextSequence,
                anomalies, RecoveryPlan.actions(steps), elapsedNanos, source);
    }

    List<RecoveryPlan.Step> steps() {
        return steps;
    }
}
