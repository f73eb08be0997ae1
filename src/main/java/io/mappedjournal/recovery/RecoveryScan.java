package io.mappedjournal.recovery;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.RecoveryReport;
import io.mappedjournal.RecoveryReport.Anomaly;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.format.FrameDecoder;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentFiles;
import net.openhft.chronicle.bytes.BytesStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Read-only recovery scan: reads the manifest (falling back to the other slot, or rebuilding
 * the segment list from segment headers), explains every file in the directory, and scans
 * segments for the last valid frame according to the {@link RecoveryMode}. It changes nothing;
 * {@link Repair} applies the resulting {@link RecoveryPlan}. What each mode does with each kind
 * of damage is tabulated in docs/FORMAT.md ("Recovery").
 *
 * <p>Scanning cost: every mode scans every segment from its first frame, checking every frame's
 * CRC, the sealed ones included: damage to acknowledged records anywhere (a flipped byte in a
 * sealed segment as much as a bad frame before the active segment's checkpoint) is found at open,
 * where the mode decides (the default refuses, naming segment and offset), and {@code verify},
 * {@code recover} and the reader agree on it. Recovery time is therefore proportional to the
 * journal's retained size (a CRC32C pass over its pages); docs/RELIABILITY.md has the figures.
 */
public final class RecoveryScan {
    private final Path dir;
    private final RecoveryMode mode;
    private final List<Anomaly> anomalies = new ArrayList<>();
    private final List<String> actions = new ArrayList<>();
    private final List<RecoveryPlan.Resize> resizes = new ArrayList<>();
    private final List<RecoveryPlan.ZeroRange> zeroRanges = new ArrayList<>();
    private final List<RecoveryPlan.SkipRange> skipRanges = new ArrayList<>();
    private final List<RecoveryPlan.Seal> seals = new ArrayList<>();
    private final List<RecoveryPlan.SyncRange> syncs = new ArrayList<>();
    private final List<Path> deletions = new ArrayList<>();
    private final List<Path> discards = new ArrayList<>();
    /** The generation of the manifest this scan reads (0 if none): repair writes the next one. */
    private long readGeneration;
    private final FrameDecoder decoder = new FrameDecoder();
    private int segmentsChecked;
    private long framesRecovered;
    private long bytesTruncated;
    private long bytesSkipped;
    private long maxIndex = -1;
    /** First sequences of segments adopted as activated by a roll the manifest had not recorded. */
    private final Set<Long> adopted = new HashSet<>();
    /** Lowest first sequence of the segments removed from the journal (cut, dropped, missing); -1 if none. */
    private long minRemoved = -1;

    private RecoveryScan(Path dir, RecoveryMode mode) {
        this.dir = dir;
        this.mode = mode;
    }

    /**
     * Scans the journal in {@code dir} without changing anything. Any thread (the caller must hold
     * the directory lock or accept a moving target).
     *
     * @param dir  the journal directory
     * @param mode what to scan and what to refuse
     * @return the plan for {@link Repair}, with its report
     * @throws CorruptJournalException when the mode does not allow what was found; the message
     *                                 names the file, the offset and the reason
     * @throws IOException             if a file cannot be read
     */
    public static RecoveryPlan scan(Path dir, RecoveryMode mode) throws IOException {
        return new RecoveryScan(dir, mode).run();
    }

    private RecoveryPlan run() throws IOException {
        final long start = System.nanoTime();
        final ManifestStore.ReadResult read = ManifestStore.read(dir);
        for (String problem : read.problems) {
            tolerable(null, -1, "manifest slot refused: " + problem);
        }
        for (Path p : SegmentFiles.listPreallocated(dir)) {
            deletions.add(p);
            actions.add("delete unused preallocated segment " + p.getFileName());
        }
        final long[] files = SegmentFiles.listSegments(dir);
        final Manifest manifest = read.manifest;
        final long generation = manifest == null ? 0 : manifest.generation();
        readGeneration = generation;
        final String source;
        final List<Manifest.Entry> entries;
        final long lowWater;
        if (manifest == null || manifest.segments().isEmpty()) {
            final long manifestLowWater = manifest == null ? 0 : manifest.lowWaterSequence();
            if (files.length == 0) {
                if (manifest == null && read.anySlotPresent) {
                    tolerable(null, -1, "no valid manifest slot and no segment files: starting a new journal");
                }
                return plan(manifest == null, List.of(), manifestLowWater, generation, start,
                        manifest == null ? "new journal" : "generation " + generation + " (no segments)");
            }
            if (manifest == null && !read.anySlotPresent && files.length == 1 && files[0] == 0) {
                // The first open crashed after creating segment 0 and before its first manifest.
                actions.add("adopt " + SegmentFiles.segmentName(0) + " (created by the first open, which had not"
                        + " written the first manifest yet)");
                entries = new ArrayList<>(List.of(new Manifest.Entry(0, 0, 0, SegmentHeaderDescriptor.DATA_OFFSET, false)));
                source = "first segment (no manifest written yet)";
            } else {
                tolerable(null, -1, "no valid manifest: segment list rebuilt from segment headers");
                entries = rebuildFromHeaders(files);
                source = "rebuilt from segment headers";
            }
            lowWater = Math.max(manifestLowWater, entries.isEmpty() ? files[0] : entries.get(0).firstSequence);
        } else {
            source = "generation " + generation;
            lowWater = manifest.lowWaterSequence();
            entries = reconcile(new ArrayList<>(manifest.segments()), files, lowWater);
        }
        final List<Manifest.Entry> result = entries.isEmpty() ? List.of() : scanSegments(entries);
        return plan(false, result, lowWater, generation, start, source);
    }

    private RecoveryPlan plan(boolean fresh, List<Manifest.Entry> segments, long lowWater, long generation, long start,
                              String source) {
        final long next;
        if (segments.isEmpty()) {
            // Everything was removed (or nothing was there): continue where the removed part began.
            next = minRemoved >= 0 ? minRemoved : lowWater;
        } else {
            next = segments.get(segments.size() - 1).nextSequence;
        }
        for (Manifest.Entry e : segments) {
            maxIndex = Math.max(maxIndex, e.segmentIndex);
        }
        final RecoveryReport report = new RecoveryReport(mode, segmentsChecked, framesRecovered, bytesTruncated,
                bytesSkipped, next, anomalies, actions, System.nanoTime() - start, source);
        return new RecoveryPlan(fresh, segments, lowWater, generation, next, maxIndex + 1, resizes, zeroRanges,
                skipRanges, seals, syncs, discards, deletions, report);
    }

    // ------------------------------------------------------------------ anomalies by mode

    private CorruptJournalException refused(Anomaly a) {
        return new CorruptJournalException("recovery (" + mode.cliName() + ") refused: dir=" + dir + " " + a
                + (mode == RecoveryMode.TOLERATE_TAIL ? " (point-in-time or skip-corrupted recovery keeps what is intact)"
                : mode == RecoveryMode.ABSOLUTE ? " (a less strict recovery mode may open it)" : ""));
    }

    /** An anomaly every mode but ABSOLUTE tolerates (a torn tail, a refused manifest slot, ...). */
    private void tolerable(Path file, long offset, String reason) {
        final Anomaly a = new Anomaly(file, offset, reason);
        anomalies.add(a);
        if (mode == RecoveryMode.ABSOLUTE) {
            throw refused(a);
        }
    }

    /** Damage to acknowledged data: refused by TOLERATE_TAIL and ABSOLUTE, recorded by the salvaging modes. */
    private void damage(Path file, long offset, String reason) {
        final Anomaly a = new Anomaly(file, offset, reason);
        anomalies.add(a);
        if (mode == RecoveryMode.TOLERATE_TAIL || mode == RecoveryMode.ABSOLUTE) {
            throw refused(a);
        }
    }

    private void removed(long firstSequence) {
        if (firstSequence >= 0 && (minRemoved < 0 || firstSequence < minRemoved)) {
            minRemoved = firstSequence;
        }
    }

    private void discard(Path path, String why) {
        removed(SegmentFiles.firstSequenceOf(path.getFileName().toString()));
        if (Files.exists(path) && !discards.contains(path)) {
            discards.add(path);
            actions.add("set aside " + path.getFileName() + " as "
                    + SegmentFiles.discardedPath(path, readGeneration + 1).getFileName() + " (" + why + ")");
        }
    }

    // ------------------------------------------------------------------ files vs manifest

    /** Every segment file on disk is either in the manifest or explained. */
    private List<Manifest.Entry> reconcile(List<Manifest.Entry> entries, long[] files, long lowWater) {
        final Set<Long> onDisk = new HashSet<>();
        for (long f : files) {
            onDisk.add(f);
        }
        final Set<Long> listed = new HashSet<>();
        final List<Manifest.Entry> out = new ArrayList<>();
        boolean cut = false;
        for (Manifest.Entry e : entries) {
            listed.add(e.firstSequence);
            maxIndex = Math.max(maxIndex, e.segmentIndex);
            final Path path = SegmentFiles.segmentPath(dir, e.firstSequence);
            if (cut) {
                discard(path, "after the point where the journal was cut");
                continue;
            }
            if (onDisk.contains(e.firstSequence)) {
                out.add(e);
                continue;
            }
            final Path setAside = SegmentFiles.discardedPath(path, readGeneration + 1);
            if (Files.exists(setAside)) {
                // A recovery set it aside and crashed before its manifest (the one after the
                // manifest read here): finish that decision. A file set aside by an earlier
                // recovery, whose manifest landed, names an older generation and excuses nothing.
                actions.add("finish setting aside " + path.getFileName() + " (interrupted recovery)");
                removed(e.firstSequence);
                if (mode != RecoveryMode.SKIP_CORRUPTED) {
                    cut = true;
                }
                continue;
            }
            damage(path, -1, "segment file missing: listed in the manifest as " + (e.sealed ? "sealed" : "active")
                    + " with sequences [" + e.firstSequence + ", " + e.nextSequence + ")");
            removed(e.firstSequence);
            if (mode == RecoveryMode.POINT_IN_TIME) {
                cut = true;
            }
        }
        final Manifest.Entry lastListed = entries.get(entries.size() - 1);
        final long maxFile = files.length == 0 ? -1 : files[files.length - 1];
        for (long f : files) {
            if (listed.contains(f)) {
                continue;
            }
            final Path path = SegmentFiles.segmentPath(dir, f);
            if (f < entries.get(0).firstSequence && f < lowWater) {
                // Retention wrote the manifest first and crashed before deleting the file.
                deletions.add(path);
                actions.add("delete " + path.getFileName() + " (below retention low-water mark " + lowWater + ")");
            } else if (!cut && f == maxFile && f > lastListed.firstSequence && !out.isEmpty()
                    && out.get(out.size() - 1) == lastListed && headerNames(path, f)) {
                // A roll activated this segment and crashed before the manifest named it. The
                // previous active segment is scanned to its seal marker (its entry is not sealed).
                out.add(new Manifest.Entry(f, f, -1, SegmentHeaderDescriptor.DATA_OFFSET, false));
                adopted.add(f);
                actions.add("adopt " + path.getFileName() + " (activated by a roll the manifest had not recorded)");
            } else if (cut) {
                discard(path, "after the point where the journal was cut");
            } else {
                damage(path, -1, "segment file not in the manifest and not explained by a roll or retention");
                discard(path, "not part of the journal");
            }
        }
        return out;
    }

    /** True if {@code path} has a valid header whose first sequence is {@code first} (its name). */
    private static boolean headerNames(Path path, long first) {
        try {
            return Segment.readHeader(path).firstSequence == first;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private List<Manifest.Entry> rebuildFromHeaders(long[] files) throws IOException {
        final List<Manifest.Entry> entries = new ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            final Path path = SegmentFiles.segmentPath(dir, files[i]);
            String problem = null;
            long index = -1;
            try {
                final SegmentHeader h = Segment.readHeader(path);
                index = h.segmentIndex;
                if (h.firstSequence != files[i]) {
                    problem = "header first sequence " + h.firstSequence + " differs from the file name";
                }
            } catch (CorruptJournalException e) {
                problem = e.getMessage();
            } catch (NoSuchFileException e) {
                problem = "segment file missing";
            }
            if (problem != null) {
                damage(path, 0, problem);
                if (mode == RecoveryMode.POINT_IN_TIME) {
                    for (int j = i; j < files.length; j++) {
                        discard(SegmentFiles.segmentPath(dir, files[j]), "after the point where the journal was cut");
                    }
                    break;
                }
                discard(path, "unreadable header");
                continue;
            }
            maxIndex = Math.max(maxIndex, index);
            // Not sealed: every segment is scanned to find its real end (no checkpoint is known).
            entries.add(new Manifest.Entry(files[i], files[i], index, SegmentHeaderDescriptor.DATA_OFFSET, false));
        }
        return entries;
    }

    // ------------------------------------------------------------------ segments

    private List<Manifest.Entry> scanSegments(List<Manifest.Entry> entries) throws IOException {
        final List<Manifest.Entry> result = new ArrayList<>();
        final int last = entries.size() - 1;
        long previousNext = -1;
        boolean previousScanned = false;
        for (int i = 0; i <= last; i++) {
            final Manifest.Entry e = entries.get(i);
            final boolean isLast = i == last;
            final Path path = SegmentFiles.segmentPath(dir, e.firstSequence);
            if (previousScanned && previousNext != e.firstSequence) {
                // The previous segment's real end (just scanned) must be where this one starts.
                final String reason = "segment starts at sequence " + e.firstSequence
                        + " but the segment before it ends at " + previousNext;
                damage(path, 0, reason);
                if (mode == RecoveryMode.POINT_IN_TIME) {
                    cutFrom(entries, i);
                    break;
                }
            }
            final long nextFirst = isLast ? -1 : entries.get(i + 1).firstSequence;
            final SegmentOutcome o = scanOne(path, e, isLast, nextFirst, !isLast && adopted.contains(nextFirst));
            if (o.entry == null) {
                // unusable: POINT_IN_TIME cuts here, SKIP_CORRUPTED drops it (both set it aside)
                if (mode == RecoveryMode.POINT_IN_TIME) {
                    cutFrom(entries, i);
                    break;
                }
                discard(path, "unusable");
                previousScanned = false;
                continue;
            }
            result.add(o.entry);
            previousNext = o.entry.nextSequence;
            previousScanned = true;
            if (o.stopJournal) {
                cutFrom(entries, i + 1);
                // the truncated segment becomes the active one
                final Manifest.Entry t = o.entry;
                result.set(result.size() - 1, new Manifest.Entry(t.firstSequence, t.nextSequence, t.segmentIndex,
                        t.validLength, false));
                break;
            }
        }
        return result;
    }

    /**
     * Reads {@code path}'s header and checks it against the manifest's entry, naming any damage: a
     * missing or unreadable file, another first sequence, a length other than the header's.
     *
     * @return the header and the file's length, or null if the segment is unusable (missing,
     *         unreadable, or another segment's file)
     */
    private CheckedHeader checkHeader(Path path, Manifest.Entry e) throws IOException {
        final SegmentHeader header;
        final long fileLength;
        try {
            header = Segment.readHeader(path);
            fileLength = Files.size(path);
        } catch (CorruptJournalException | NoSuchFileException ex) {
            damage(path, 0, ex instanceof NoSuchFileException ? "segment file missing" : ex.getMessage());
            return null;
        }
        if (header.firstSequence != e.firstSequence) {
            damage(path, 0, "header first sequence " + header.firstSequence + " differs from the manifest's "
                    + e.firstSequence);
            return null;
        }
        if (fileLength != header.segmentLength) {
            damage(path, Math.min(fileLength, header.segmentLength), "segment file length differs from its header: expected="
                    + header.segmentLength + " actual=" + fileLength);
        }
        return new CheckedHeader(header, fileLength);
    }

    /** A segment's header and its file's length, as {@link #checkHeader} read them. */
    private record CheckedHeader(SegmentHeader header, long fileLength) {
    }

    private void cutFrom(List<Manifest.Entry> entries, int from) {
        for (int j = from; j < entries.size(); j++) {
            discard(SegmentFiles.segmentPath(dir, entries.get(j).firstSequence), "after the point where the journal was cut");
        }
    }

    private static final class SegmentOutcome {
        /** The segment's entry after repair, or null if the segment is unusable as a whole. */
        final Manifest.Entry entry;
        /** Point-in-time: the journal ends in this segment; later ones are set aside. */
        final boolean stopJournal;

        SegmentOutcome(Manifest.Entry entry, boolean stopJournal) {
            this.entry = entry;
            this.stopJournal = stopJournal;
        }
    }

    /**
     * Scans one segment from its first frame. {@code e.validLength} is the durable checkpoint for
     * an active segment: frames before it were synced. A sealed segment is synced throughout.
     */
    private SegmentOutcome scanOne(Path path, Manifest.Entry e, boolean isLast, long nextFirst, boolean nextAdopted)
            throws IOException {
        // Followed only by a segment a roll activated before the crash: this segment's tail
        // after its checkpoint may be torn like the last one's (the roll may not have made its
        // seal durable yet, e.g. when the seal's sync ran in the background).
        final boolean tailMayBeTorn = isLast || nextAdopted;
        segmentsChecked++;
        final CheckedHeader checked = checkHeader(path, e);
        if (checked == null) {
            return new SegmentOutcome(null, true);
        }
        final SegmentHeader header = checked.header();
        final long fileLength = checked.fileLength();
        maxIndex = Math.max(maxIndex, header.segmentIndex);
        final boolean truncated = fileLength < header.segmentLength;
        if (fileLength != header.segmentLength) {
            // checkHeader named the damage; the plan restores the length
            resizes.add(new RecoveryPlan.Resize(path, header.segmentLength));
            actions.add("restore the length of " + path.getFileName() + " to " + header.segmentLength + " bytes");
        }
        final long limit = Math.min(fileLength, header.segmentLength);
        try (Segment segment = Segment.openPrefix(path, limit, header)) {
            final BytesStore<?, ?> store = segment.store();
            final long checkpoint = e.sealed ? header.segmentLength : e.validLength;
            long offset = SegmentHeaderDescriptor.DATA_OFFSET;
            long expected = e.firstSequence;
            boolean sealed = false;
            boolean stop = false;
            boolean afterSkip = false;
            while (true) {
                int status = decoder.decode(store, offset, limit, afterSkip ? -1 : expected);
                if (status == FrameDecoder.VALID && nextFirst >= 0 && decoder.sequence() >= nextFirst) {
                    // a segment's records all lie below the next segment's first sequence
                    status = FrameDecoder.BAD_SEQUENCE;
                }
                if (status == FrameDecoder.VALID && afterSkip) {
                    // records lost under a skip frame: the next one may carry any later sequence
                    if (decoder.sequence() < expected) {
                        status = FrameDecoder.BAD_SEQUENCE;
                    } else {
                        expected = decoder.sequence();
                    }
                }
                if (status == FrameDecoder.VALID) {
                    framesRecovered++;
                    expected = decoder.sequence() + 1;
                    offset += decoder.frameLength();
                    afterSkip = false;
                    continue;
                }
                if (status == FrameDecoder.SKIP) {
                    offset += decoder.frameLength();
                    afterSkip = true;
                    continue;
                }
                if (status == FrameDecoder.SEALED) {
                    sealed = true;
                    break;
                }
                final String reason;
                if (status == FrameDecoder.SEGMENT_END && !truncated) {
                    // full to the last byte: a roll needs no marker there; otherwise the data ends
                    sealed = offset == limit;
                    break;
                } else if (status == FrameDecoder.SEGMENT_END) {
                    reason = "file ends at " + fileLength + " (truncated)";
                } else if (status == FrameDecoder.END) {
                    if (offset >= checkpoint) {
                        break;
                    }
                    reason = "end of data";
                } else {
                    reason = FrameDecoder.describe(status) + describeBad(status, expected);
                }
                // A bad frame (or data missing) at offset.
                final boolean beforeCheckpoint = offset < checkpoint;
                final String where = beforeCheckpoint
                        ? " before the durable checkpoint at " + (e.sealed ? "the seal" : Long.toString(checkpoint))
                        : " after the durable checkpoint at " + checkpoint + " (torn tail)";
                if (mode == RecoveryMode.SKIP_CORRUPTED) {
                    final long ownLength = status == FrameDecoder.BAD_CRC || status == FrameDecoder.BAD_SEQUENCE
                            ? decoder.frameLength() : 0;
                    final long resume = FrameDecoder.resync(store, offset, ownLength, limit, expected,
                            nextFirst >= 0 ? nextFirst - 1 : Long.MAX_VALUE);
                    if (resume < 0) {
                        tolerable(path, offset, reason + where + "; nothing valid after it");
                        break;
                    }
                    tolerable(path, offset, reason + where + "; skipped " + (resume - offset) + " bytes");
                    skipRanges.add(new RecoveryPlan.SkipRange(path, offset, resume - offset));
                    actions.add("cover " + path.getFileName() + " [" + offset + ", " + resume + ") with a skip frame");
                    bytesSkipped += resume - offset;
                    offset = resume;
                    expected = Math.max(expected, store.readLong(FrameDescriptor.sequenceOffset(resume)));
                    continue;
                }
                if (beforeCheckpoint || !tailMayBeTorn || mode == RecoveryMode.ABSOLUTE) {
                    damage(path, offset, reason + where + (isLast ? "" : " in a segment followed by another"));
                    stop = true; // POINT_IN_TIME: keep the prefix
                } else {
                    tolerable(path, offset, reason + where);
                }
                break;
            }
            if (!sealed) {
                long end = lastNonZero(store, offset, limit);
                if (truncated && fileLength > offset) {
                    // the bytes past the mapped (8-aligned) prefix are not seen: zero them all
                    end = Math.max(end, FrameDescriptor.align(fileLength));
                }
                if (end > offset) {
                    if (mode == RecoveryMode.ABSOLUTE) {
                        tolerable(path, offset, "non-zero bytes after the last valid frame, up to " + end
                                + " (an incomplete frame: torn tail)");
                    }
                    bytesTruncated += end - offset;
                    zeroRanges.add(new RecoveryPlan.ZeroRange(path, offset, end));
                    actions.add("zero " + path.getFileName() + " [" + offset + ", " + end + ")");
                }
            }
            if (!isLast && !sealed && !stop && nextAdopted) {
                // The roll to the next segment never became durable (no seal marker here): nothing
                // in the next segment can have been acknowledged, so the roll is undone.
                tolerable(path, offset, "no durable seal marker: the roll to " + SegmentFiles.segmentName(nextFirst)
                        + " did not complete before the crash; this segment continues");
                stop = true;
            }
            if (!isLast && !sealed && !stop) {
                damage(path, offset, "segment not sealed but followed by another segment ("
                        + SegmentFiles.segmentName(nextFirst) + ")");
                if (mode == RecoveryMode.POINT_IN_TIME) {
                    stop = true;
                } else {
                    // SKIP_CORRUPTED: seal the salvaged segment where its frames end
                    if (offset + 4 <= header.segmentLength) {
                        seals.add(new RecoveryPlan.Seal(path, offset));
                        actions.add("seal " + path.getFileName() + " at " + offset);
                    }
                    sealed = true;
                }
            }
            if (offset > SegmentHeaderDescriptor.DATA_OFFSET && !e.sealed) {
                // (a segment the manifest records as sealed was synced to its seal before that)
                syncs.add(new RecoveryPlan.SyncRange(path, offset));
            }
            final boolean nowSealed = sealed && !stop;
            return new SegmentOutcome(new Manifest.Entry(e.firstSequence, expected, header.segmentIndex, offset,
                    nowSealed), stop);
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

    /**
     * Offset just past the last non-zero byte in {@code [from, limit)}, rounded up to 8; {@code from} if all zero.
     *
     * @param store the segment's bytes
     * @param from  start of the range
     * @param limit end of the range (exclusive)
     * @return that offset, or {@code from}
     */
    public static long lastNonZero(BytesStore<?, ?> store, long from, long limit) {
        long at = (limit - 8) & -8L;
        while (at >= from) {
            if (store.readLong(at) != 0) {
                return at + 8;
            }
            at -= 8;
        }
        return from;
    }
}
