package io.mappedjournal;

import io.mappedjournal.policy.RecoveryMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What recovery checked, found and did when a journal was opened ({@link Journal#recoveryReport()}).
 *
 * <p>Immutable: thread-safe, and it never changes after the open that produced it.
 */
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

    /**
     * Creates a report. The journal's recovery builds these; an application only reads them
     * (the constructor is public because recovery lives in another package). Any thread.
     *
     * @param mode            the recovery mode the journal was opened with
     * @param segmentsChecked segment files scanned frame by frame
     * @param framesRecovered valid frames found in the scanned segments
     * @param bytesTruncated  non-zero bytes past the recovered end that were (or would be) zeroed
     * @param bytesSkipped    bytes covered by skip frames (skip-corrupted mode)
     * @param nextSequence    the sequence the next appended record gets
     * @param anomalies       what was found wrong, in the order found (copied)
     * @param actions         repairs, in the order done (copied)
     * @param durationNanos   how long recovery took, in nanoseconds
     * @param manifestSource  where the segment list came from
     * @throws NullPointerException if {@code mode}, {@code anomalies} or {@code actions} is null
     */
    public RecoveryReport(RecoveryMode mode, int segmentsChecked, long framesRecovered, long bytesTruncated,
                          long bytesSkipped, long nextSequence, List<Anomaly> anomalies, List<String> actions,
                          long durationNanos, String manifestSource) {
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
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

    /**
     * The recovery mode the journal was opened with. Any thread.
     *
     * @return the mode, never null
     */
    public RecoveryMode mode() {
        return mode;
    }

    /**
     * Segment files scanned frame by frame (only the active one under
     * {@link RecoveryMode#TOLERATE_TAIL}; every one in the other modes). Any thread.
     *
     * @return the number of segments checked
     */
    public int segmentsChecked() {
        return segmentsChecked;
    }

    /**
     * Valid frames found in the scanned segments (not in segments that were not scanned). Any thread.
     *
     * @return the number of valid frames scanned
     */
    public long framesRecovered() {
        return framesRecovered;
    }

    /**
     * Non-zero bytes past the recovered end that were (or, in a dry run, would be) zeroed: a torn
     * tail, typically records that were never acknowledged durable. Any thread.
     *
     * @return bytes truncated, 0 after a clean close
     */
    public long bytesTruncated() {
        return bytesTruncated;
    }

    /**
     * Bytes covered by skip frames ({@link RecoveryMode#SKIP_CORRUPTED}): damaged ranges stepped
     * over, each listed in {@link #anomalies()}. Any thread.
     *
     * @return bytes skipped, 0 in the other modes
     */
    public long bytesSkipped() {
        return bytesSkipped;
    }

    /**
     * The sequence the next appended record gets: the number of records the journal has ever
     * held, retained or not, after recovery. Any thread.
     *
     * @return the next sequence
     */
    public long nextSequence() {
        return nextSequence;
    }

    /**
     * What recovery found wrong, in the order found. Any thread.
     *
     * @return an unmodifiable list, empty when nothing was wrong
     */
    public List<Anomaly> anomalies() {
        return anomalies;
    }

    /**
     * Repairs, in the order done, e.g. {@code "zeroed 00000000000000000000.seg [4096, 8192)"}. Any thread.
     *
     * @return an unmodifiable list, empty when nothing was repaired
     */
    public List<String> actions() {
        return actions;
    }

    /**
     * How long recovery took (scan and repair). Any thread.
     *
     * @return the duration in nanoseconds
     */
    public long durationNanos() {
        return durationNanos;
    }

    /**
     * Where the segment list came from: {@code "manifest.0 generation 7"},
     * {@code "rebuilt from segment headers"} or {@code "new journal"}. Any thread.
     *
     * @return a short description
     */
    public String manifestSource() {
        return manifestSource;
    }

    /**
     * Whether recovery found nothing wrong: no anomaly, nothing truncated, nothing skipped. Any thread.
     *
     * @return true if the journal was opened exactly as it was left
     */
    public boolean clean() {
        return anomalies.isEmpty() && bytesTruncated == 0 && bytesSkipped == 0;
    }

    /**
     * A multi-line human-readable form (what the tool prints): one summary line of
     * {@code name=value} pairs, then one line per anomaly and per action. Any thread.
     *
     * @return the description
     */
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

    /**
     * Something recovery found wrong: where (file and byte offset) and why. Immutable: thread-safe.
     */
    public static final class Anomaly {
        private final Path file;
        private final long offset;
        private final String reason;

        /**
         * Creates an anomaly. Recovery builds these; an application only reads them. Any thread.
         *
         * @param file   the file concerned, or null for the journal as a whole
         * @param offset the byte offset in {@code file}, or -1 for the whole file
         * @param reason why it is wrong, with {@code name=value} details
         */
        public Anomaly(Path file, long offset, String reason) {
            this.file = file;
            this.offset = offset;
            this.reason = reason;
        }

        /**
         * The file concerned. Any thread.
         *
         * @return the path, or null if the anomaly concerns the journal as a whole
         */
        public Path file() {
            return file;
        }

        /**
         * Where in {@link #file()} the anomaly is. Any thread.
         *
         * @return the byte offset, or -1 if it concerns the whole file
         */
        public long offset() {
            return offset;
        }

        /**
         * Why it is wrong, with {@code name=value} details. Any thread.
         *
         * @return the reason
         */
        public String reason() {
            return reason;
        }

        @Override
        public String toString() {
            return (file == null ? "journal" : file.getFileName().toString()) + (offset >= 0 ? " offset=" + offset : "")
                    + ": " + reason;
        }
    }
}
