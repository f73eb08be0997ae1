package io.mappedjournal.recovery;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.format.FrameDecoder;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentFiles;
import net.openhft.chronicle.bytes.BytesStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only recovery scan: reads the manifest (falling back to the other slot, or rebuilding
 * the segment list from segment headers), explains every file in the directory, and scans
 * segments for the last valid frame according to the {@link RecoveryMode}. It changes nothing;
 * {@link Repair} applies the resulting {@link RecoveryPlan}.
 *
 * <p>Scanning cost: {@link RecoveryMode#TOLERATE_TAIL} and {@link RecoveryMode#POINT_IN_TIME}
 * scan only the active segment (sealed segments were fully synced before they were sealed), so
 * recovery time is bounded by the segment size, not the journal size. The other two modes scan
 * every segment.
 *
 * @throws CorruptJournalException when the mode does not allow what was found; the message
 *                                 names the file, the offset and the reason
 */
public final class RecoveryScan {
    private final Path dir;
    private final RecoveryMode mode;
    private final List<Anomaly> anomalies = new ArrayList<>();
    private final List<String> actions = new ArrayList<>();
    private final List<RecoveryPlan.ZeroRange> zeroRanges = new ArrayList<>();
    private final List<RecoveryPlan.SkipRange> skipRanges = new ArrayList<>();
    private final List<Path> deletions = new ArrayList<>();
    private final List<Path> discards = new ArrayList<>();
    private final FrameDecoder decoder = new FrameDecoder();
    private int segmentsChecked;
    private long framesRecovered;
    private long bytesTruncated;

    private RecoveryScan(Path dir, RecoveryMode mode) {
        this.dir = dir;
        this.mode = mode;
    }

    public static RecoveryPlan scan(Path dir, RecoveryMode mode) throws IOException {
        return new RecoveryScan(dir, mode).run();
    }

    private RecoveryPlan run() throws IOException {
        final long start = System.nanoTime();
        final ManifestStore.ReadResult read = ManifestStore.read(dir);
        for (String problem : read.problems) {
            anomaly(null, -1, "manifest slot refused: " + problem, true);
        }
        for (Path p : SegmentFiles.listPreallocated(dir)) {
            deletions.add(p);
            actions.add("delete unused preallocated segment " + p.getFileName());
        }
        final long[] files = SegmentFiles.listSegments(dir);
        Manifest manifest = read.manifest;
        String source;
        List<Manifest.Entry> entries;
        long lowWater;
        if (manifest == null) {
            if (files.length == 0) {
                if (read.anySlotPresent) {
                    anomaly(null, -1, "no valid manifest slot and no segment files", true);
                }
                return plan(true, List.of(), 0, 0, start, "new journal");
            }
            anomaly(null, -1, "no valid manifest: segment list rebuilt from segment headers", true);
            entries = rebuildFromHeaders(files);
            lowWater = entries.get(0).firstSequence;
            source = "rebuilt from segment headers";
        } else {
            source = "generation " + manifest.generation();
            entries = new ArrayList<>(manifest.segments());
            lowWater = manifest.lowWaterSequence();
            entries = reconcile(entries, files, lowWater);
        }
        if (entries.isEmpty()) {
            return plan(true, List.of(), lowWater, read.manifest == null ? 0 : read.manifest.generation(), start, source);
        }
        final List<Manifest.Entry> result = scanSegments(entries);
        return plan(false, result, lowWater, read.manifest == null ? 0 : read.manifest.generation(), start, source);
    }

    private RecoveryPlan plan(boolean fresh, List<Manifest.Entry> segments, long lowWater, long generation, long start,
                              String source) {
        final long next = segments.isEmpty() ? 0 : segments.get(segments.size() - 1).nextSequence;
        final RecoveryReport report = new RecoveryReport(mode, segmentsChecked, framesRecovered, bytesTruncated, next,
                anomalies, actions, System.nanoTime() - start, source);
        return new RecoveryPlan(fresh, segments, lowWater, generation, zeroRanges, skipRanges, deletions, discards,
                report);
    }

    /** Records an anomaly; in ABSOLUTE mode (or when {@code fatal}) refuses to go on. */
    private void anomaly(Path file, long offset, String reason, boolean tolerableOutsideAbsolute) {
        final Anomaly a = new Anomaly(file, offset, reason);
        anomalies.add(a);
        if (mode == RecoveryMode.ABSOLUTE || !tolerableOutsideAbsolute) {
            throw new CorruptJournalException("recovery (" + mode.cliName() + ") refused: dir=" + dir + " " + a);
        }
    }

    /** Every segment file on disk is either in the manifest or explained. */
    private List<Manifest.Entry> reconcile(List<Manifest.Entry> entries, long[] files, long lowWater) throws IOException {
        final List<Long> onDisk = new ArrayList<>();
        for (long f : files) {
            onDisk.add(f);
        }
        for (Manifest.Entry e : entries) {
            if (!onDisk.contains(e.firstSequence)) {
                final Path path = SegmentFiles.segmentPath(dir, e.firstSequence);
                anomaly(path, -1, "segment file missing: listed in the manifest as " + (e.sealed ? "sealed" : "active")
                        + " with sequences [" + e.firstSequence + ", " + e.nextSequence + ")", false);
            }
        }
        final Manifest.Entry active = entries.get(entries.size() - 1);
        final List<Manifest.Entry> out = new ArrayList<>(entries);
        for (long f : files) {
            final boolean listed = entries.stream().anyMatch(e -> e.firstSequence == f);
            if (listed) {
                continue;
            }
            final Path path = SegmentFiles.segmentPath(dir, f);
            if (f < entries.get(0).firstSequence && f < lowWater) {
                // Retention wrote the manifest first and crashed before deleting the file.
                deletions.add(path);
                actions.add("delete " + path.getFileName() + " (below retention low-water mark " + lowWater + ")");
            } else if (f > active.firstSequence && f == onDisk.get(onDisk.size() - 1)
                    && out.size() == entries.size()) {
                // A roll activated this segment and crashed before the manifest named it.
                // The previous active segment is scanned to its seal marker below (its entry is not sealed).
                out.add(new Manifest.Entry(f, f, headerIndex(path), SegmentHeaderDescriptor.DATA_OFFSET, false));
                actions.add("adopt " + path.getFileName() + " (activated by a roll the manifest had not recorded)");
            } else {
                anomaly(path, -1, "segment file not in the manifest and not explained by a roll or retention",
                        mode == RecoveryMode.SKIP_CORRUPTED);
            }
        }
        return out;
    }

    private long headerIndex(Path path) throws IOException {
        try (Segment s = Segment.open(path, true)) {
            return s.header().segmentIndex;
        }
    }

    private List<Manifest.Entry> rebuildFromHeaders(long[] files) throws IOException {
        final List<Manifest.Entry> entries = new ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            final Path path = SegmentFiles.segmentPath(dir, files[i]);
            final long index;
            try (Segment s = Segment.open(path, true)) {
                if (s.header().firstSequence != files[i]) {
                    anomaly(path, 0, "header first sequence " + s.header().firstSequence
                            + " differs from the file name", false);
                }
                index = s.header().segmentIndex;
            }
            final boolean last = i == files.length - 1;
            final long next = last ? files[i] : files[i + 1];
            // Not sealed: every segment is scanned to find its real end (no checkpoint is known).
            entries.add(new Manifest.Entry(files[i], next, index, SegmentHeaderDescriptor.DATA_OFFSET, false));
        }
        return entries;
    }

    private boolean scansAll() {
        return mode == RecoveryMode.SKIP_CORRUPTED || mode == RecoveryMode.ABSOLUTE;
    }

    private List<Manifest.Entry> scanSegments(List<Manifest.Entry> entries) throws IOException {
        final List<Manifest.Entry> result = new ArrayList<>();
        final int last = entries.size() - 1;
        // A segment the manifest records as sealed was fully synced before it was sealed: it is
        // scanned only in the thorough modes. Everything else is scanned to find its real end.
        for (int i = 0; i <= last; i++) {
            final Manifest.Entry e = entries.get(i);
            final boolean isLast = i == last;
            if (!isLast && e.sealed && !scansAll()) {
                result.add(e);
                continue;
            }
            final Path path = SegmentFiles.segmentPath(dir, e.firstSequence);
            final SegmentOutcome o = scanOne(path, e, isLast);
            result.add(o.entry);
            if (o.stopJournal) {
                for (int j = i + 1; j <= last; j++) {
                    final Path later = SegmentFiles.segmentPath(dir, entries.get(j).firstSequence);
                    discards.add(later);
                    actions.add("set aside " + later.getFileName() + " (after the first bad frame)");
                }
                // the truncated segment becomes the active one
                final Manifest.Entry t = o.entry;
                result.set(result.size() - 1, new Manifest.Entry(t.firstSequence, t.nextSequence, t.segmentIndex,
                        t.validLength, false));
                break;
            }
            if (!isLast && i + 1 <= last && o.entry.nextSequence != entries.get(i + 1).firstSequence
                    && mode != RecoveryMode.SKIP_CORRUPTED) {
                anomaly(path, o.entry.validLength, "segment ends at sequence " + o.entry.nextSequence
                        + " but the next segment starts at " + entries.get(i + 1).firstSequence, false);
            }
        }
        return result;
    }

    private static final class SegmentOutcome {
        final Manifest.Entry entry;
        final boolean stopJournal;

        SegmentOutcome(Manifest.Entry entry, boolean stopJournal) {
            this.entry = entry;
            this.stopJournal = stopJournal;
        }
    }

    /**
     * Scans one segment from its first frame. {@code e.validLength} is the durable checkpoint:
     * frames before it were acknowledged.
     */
    private SegmentOutcome scanOne(Path path, Manifest.Entry e, boolean isLast) throws IOException {
        segmentsChecked++;
        try (Segment segment = Segment.open(path, true)) {
            if (segment.header().firstSequence != e.firstSequence) {
                anomaly(path, 0, "header first sequence " + segment.header().firstSequence
                        + " differs from the manifest's " + e.firstSequence, false);
            }
            final BytesStore<?, ?> store = segment.store();
            final long limit = segment.length();
            final long checkpoint = e.sealed ? Math.max(e.validLength, limit) : e.validLength;
            long offset = SegmentHeaderDescriptor.DATA_OFFSET;
            long expected = e.firstSequence;
            boolean sealed = false;
            boolean stop = false;
            while (true) {
                final int status = decoder.decode(store, offset, limit, expected);
                if (status == FrameDecoder.VALID) {
                    framesRecovered++;
                    expected = decoder.sequence() + 1;
                    offset += decoder.frameLength();
                    continue;
                }
                if (status == FrameDecoder.SKIP) {
                    offset += decoder.frameLength();
                    continue;
                }
                if (status == FrameDecoder.SEALED) {
                    sealed = true;
                    break;
                }
                if (status == FrameDecoder.END || status == FrameDecoder.SEGMENT_END) {
                    if (offset < checkpoint && status == FrameDecoder.END) {
                        badFrame(path, offset, "end of data before the durable checkpoint at " + checkpoint, false);
                        stop = mode == RecoveryMode.POINT_IN_TIME;
                    }
                    break;
                }
                // A bad frame.
                final String reason = FrameDecoder.describe(status) + describeBad(status, expected);
                final boolean beforeCheckpoint = offset < checkpoint;
                if (mode == RecoveryMode.SKIP_CORRUPTED) {
                    final long resume = resync(store, offset + FrameDescriptor.ALIGNMENT, limit, expected);
                    anomaly(path, offset, reason + (resume < 0 ? "; nothing valid after it"
                            : "; skipped " + (resume - offset) + " bytes"), true);
                    if (resume < 0) {
                        break;
                    }
                    skipRanges.add(new RecoveryPlan.SkipRange(path, offset, resume - offset));
                    actions.add("cover " + path.getFileName() + " [" + offset + ", " + resume + ") with a skip frame");
                    offset = resume;
                    continue;
                }
                if (mode == RecoveryMode.TOLERATE_TAIL && (beforeCheckpoint || !isLast)) {
                    badFrame(path, offset, reason + (isLast ? " before the durable checkpoint at " + checkpoint
                            : " in a segment followed by another (not a torn tail)"), false);
                }
                anomaly(path, offset, reason + (beforeCheckpoint ? " (before the durable checkpoint at " + checkpoint + ")"
                        : " (torn tail after the durable checkpoint at " + checkpoint + ")"), true);
                stop = !isLast || beforeCheckpoint;
                break;
            }
            if (!sealed) {
                final long end = lastNonZero(store, offset, limit);
                if (end > offset) {
                    bytesTruncated += end - offset;
                    zeroRanges.add(new RecoveryPlan.ZeroRange(path, offset, end));
                    actions.add("zero " + path.getFileName() + " [" + offset + ", " + end + ")");
                }
            }
            if (!isLast && !sealed && !stop) {
                // a sealed segment without its marker: only tolerable as a point-in-time stop
                anomaly(path, offset, "segment not sealed but followed by another segment", mode != RecoveryMode.TOLERATE_TAIL);
                stop = true;
            }
            final boolean nowSealed = sealed && !stop;
            return new SegmentOutcome(new Manifest.Entry(e.firstSequence, expected, e.segmentIndex, offset, nowSealed),
                    stop);
        }
    }

    private String describeBad(int status, long expected) {
        switch (status) {
            case FrameDecoder.BAD_CRC:
                return ": expected=0x" + Integer.toHexString(decoder.storedCrc()) + " actual=0x"
                        + Integer.toHexString(decoder.actualCrc());
            case FrameDecoder.BAD_SEQUENCE:
                return ": expected=" + expected + " actual=" + decoder.sequence();
            case FrameDecoder.BAD_LENGTH:
                return ": length=" + decoder.length();
            default:
                return "";
        }
    }

    private void badFrame(Path path, long offset, String reason, boolean tolerable) {
        anomaly(path, offset, reason, tolerable || mode == RecoveryMode.POINT_IN_TIME || mode == RecoveryMode.SKIP_CORRUPTED);
    }

    /** Next 8-aligned offset holding a valid frame whose sequence is at least {@code expected}, or -1. */
    private long resync(BytesStore<?, ?> store, long from, long limit, long expected) {
        final FrameDecoder probe = new FrameDecoder();
        for (long at = from; at + FrameDescriptor.HEADER_LENGTH <= limit; at += FrameDescriptor.ALIGNMENT) {
            final int commit = store.readInt(at);
            if (commit <= 0) {
                continue;
            }
            if (probe.decode(store, at, limit, -1) == FrameDecoder.VALID && probe.sequence() >= expected) {
                return at;
            }
        }
        return -1;
    }

    /** Offset just past the last non-zero byte in {@code [from, limit)}, rounded up to 8; {@code from} if all zero. */
    static long lastNonZero(BytesStore<?, ?> store, long from, long limit) {
        long at = limit - 8;
        while (at >= from) {
            if (store.readLong(at) != 0) {
                return at + 8;
            }
            at -= 8;
        }
        return from;
    }
}
