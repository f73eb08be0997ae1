package io.mappedjournal.recovery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What recovery checked, found and did when the journal was opened. Immutable. */
public final class RecoveryReport {
    private final RecoveryMode mode;
    private final int segmentsChecked;
    private final long framesRecovered;
    private final long bytesTruncated;
    private final long bytesSkipped;
    private final long nextSequence;
    private final List<Anomaly> anomalies;
    private final List<String> actions;
    private final long durationNanos;
    private final String manifestSource;

    RecoveryReport(RecoveryMode mode, int segmentsChecked, long framesRecovered, long bytesTruncated,
                   long bytesSkipped, long nextSequence, List<Anomaly> anomalies, List<String> actions, long durationNanos,
                   String manifestSource) {
        this.mode = mode;
        this.segmentsChecked = segmentsChecked;
        this.framesRecovered = framesRecovered;
        this.bytesTruncated = bytesTruncated;
        this.bytesSkipped = bytesSkipped;
        this.nextSequence = nextSequence;
        this.anomalies = Collections.unmodifiableList(new ArrayList<>(anomalies));
        this.actions = Collections.unmodifiableList(new ArrayList<>(actions));
        this.durationNanos = durationNanos;
        this.manifestSource = manifestSource;
    }

    public RecoveryMode mode() {
        return mode;
    }

    public int segmentsChecked() {
        return segmentsChecked;
    }

    /** Valid frames scanned (in the scanned segments only). */
    public long framesRecovered() {
        return framesRecovered;
    }

    /** Non-zero bytes past the recovered end that were (or, in a dry run, would be) zeroed. */
    public long bytesTruncated() {
        return bytesTruncated;
    }

    /** Bytes covered by skip frames (skip-corrupted mode): damaged ranges stepped over, each listed in {@link #anomalies()}. */
    public long bytesSkipped() {
        return bytesSkipped;
    }

    /** Sequence the next appended record gets. */
    public long nextSequence() {
        return nextSequence;
    }

    public List<Anomaly> anomalies() {
        return anomalies;
    }

    /** Repairs, in order, e.g. "zeroed 00000000000000000000.seg [4096, 8192)". */
    public List<String> actions() {
        return actions;
    }

    public long durationNanos() {
        return durationNanos;
    }

    /** Where the segment list came from: "manifest.0 generation 7", "rebuilt from segment headers", "new journal". */
    public String manifestSource() {
        return manifestSource;
    }

    public boolean clean() {
        return anomalies.isEmpty() && bytesTruncated == 0 && bytesSkipped == 0;
    }

    /** Multi-line human-readable form (what the tool prints). */
    public String describe() {
        final StringBuilder b = new StringBuilder();
        b.append("mode=").append(mode.cliName())
                .append(" manifest=").append(manifestSource)
                .append(" segments_checked=").append(segmentsChecked)
                .append(" frames_recovered=").append(framesRecovered)
                .append(" bytes_truncated=").append(bytesTruncated)
                .append(" bytes_skipped=").append(bytesSkipped)
                .append(" next_sequence=").append(nextSequence)
                .append(" time_ms=").append(String.format("%.1f", durationNanos / 1e6));
        for (Anomaly a : anomalies) {
            b.append("\n  anomaly: ").append(a);
        }
        for (String a : actions) {
            b.append("\n  action: ").append(a);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "RecoveryReport{" + describe().replace("\n", ";") + '}';
    }
}
