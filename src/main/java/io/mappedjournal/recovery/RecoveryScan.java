package io.mappedjournal.recovery;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.recovery.RecoveryRules.Action;
import io.mappedjournal.recovery.RecoveryRules.Damage;
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
 * segments for the last valid frame according to the {@link RecoveryMode} ({@link SegmentScan},
 * one segment at a time). It changes nothing; {@link Repair} applies the resulting
 * {@link RecoveryPlan}. What each mode does with each kind of damage is the table of
 * {@link RecoveryRules}, docs/FORMAT.md's ("Recovery") as code: the scan names what it found and
 * does what the table says.
 *
 * <p>Scanning cost: every mode scans every segment from its first frame, checking every frame's
 * CRC, the sealed ones included: damage to acknowledged records anywhere (a flipped byte in a
 * sealed segment as much as a bad frame before the active segment's checkpoint) is found at open,
 * where the mode decides (the default refuses, naming segment and offset), and {@code verify},
 * {@code recover} and the reader agree on it. Recovery time is therefore proportional to the
 * journal's retained size (a CRC32C pass over its pages); docs/RELIABILITY.md has the figures.
 */
public final class RecoveryScan {
    private final ScanState state;
    private final SegmentScan segmentScan;
    private final Path dir;
    /** First sequences of segments adopted as activated by a roll the manifest had not recorded. */
    private final Set<Long> adopted = new HashSet<>();

    private RecoveryScan(Path dir, RecoveryMode mode) {
        this.dir = dir;
        this.state = new ScanState(dir, mode);
        this.segmentScan = new SegmentScan(state);
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
            state.found(Damage.MANIFEST_SLOT_REFUSED, null, -1, "manifest slot refused: " + problem);
        }
        for (Path p : SegmentFiles.listPreallocated(dir)) {
            state.step(new RecoveryPlan.DeletePreallocated(p)); // Damage.LEFTOVER_FILE: every mode deletes it
        }
        final long[] files = SegmentFiles.listSegments(dir);
        final Manifest manifest = read.manifest;
        final long generation = manifest == null ? 0 : manifest.generation();
        state.readGeneration = generation;
        final String source;
        final List<Manifest.Entry> entries;
        final long lowWater;
        if (manifest == null || manifest.segments().isEmpty()) {
            final long manifestLowWater = manifest == null ? 0 : manifest.lowWaterSequence();
            if (files.length == 0) {
                if (manifest == null && read.anySlotPresent) {
                    state.found(Damage.NO_VALID_MANIFEST, null, -1,
                            "no valid manifest slot and no segment files: starting a new journal");
                }
                return plan(manifest == null, List.of(), manifestLowWater, generation, start,
                        manifest == null ? "new journal" : "generation " + generation + " (no segments)");
            }
            if (manifest == null && !read.anySlotPresent && files.length == 1 && files[0] == 0) {
                // The first open crashed after creating segment 0 and before its first manifest.
                state.step(new RecoveryPlan.Adopt(SegmentFiles.segmentPath(dir, 0),
                        "created by the first open, which had not written the first manifest yet"));
                entries = new ArrayList<>(List.of(new Manifest.Entry(0, 0, 0, SegmentHeaderDescriptor.DATA_OFFSET, false)));
                source = "first segment (no manifest written yet)";
            } else {
                state.found(Damage.NO_VALID_MANIFEST, null, -1, "no valid manifest: segment list rebuilt from segment headers");
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
            next = state.minRemoved() >= 0 ? state.minRemoved() : lowWater;
        } else {
            next = segments.get(segments.size() - 1).nextSequence;
        }
        for (Manifest.Entry e : segments) {
            state.maxIndex = Math.max(state.maxIndex, e.segmentIndex);
        }
        return new RecoveryPlan(fresh, segments, lowWater, generation, next, state.maxIndex + 1, state.steps(),
                state.report(next, System.nanoTime() - start, source));
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
            state.maxIndex = Math.max(state.maxIndex, e.segmentIndex);
            final Path path = SegmentFiles.segmentPath(dir, e.firstSequence);
            if (cut) {
                state.discard(path, "after the point where the journal was cut");
                continue;
            }
            if (onDisk.contains(e.firstSequence)) {
                out.add(e);
                continue;
            }
            final Path setAside = SegmentFiles.discardedPath(path, state.readGeneration + 1);
            if (Files.exists(setAside)) {
                // A recovery set it aside and crashed before its manifest (the one after the
                // manifest read here): finish that decision. A file set aside by an earlier
                // recovery, whose manifest landed, names an older generation and excuses nothing.
                state.step(new RecoveryPlan.FinishSetAside(path));
                state.removed(e.firstSequence);
                cut = state.rule(Damage.INTERRUPTED_SET_ASIDE) == Action.CUT; // else DROP, as that recovery did
                continue;
            }
            final Action action = state.found(Damage.SEGMENT_MISSING, path, -1, "segment file missing: listed in the"
                    + " manifest as " + (e.sealed ? "sealed" : "active") + " with sequences [" + e.firstSequence + ", "
                    + e.nextSequence + ")");
            state.removed(e.firstSequence);
            cut = action == Action.CUT; // else DROP: its records are a reported gap
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
                state.step(new RecoveryPlan.DeleteBelowLowWater(path, lowWater)); // Damage.LEFTOVER_FILE
            } else if (!cut && f == maxFile && f > lastListed.firstSequence && !out.isEmpty()
                    && out.get(out.size() - 1) == lastListed && headerNames(path, f)) {
                // A roll activated this segment and crashed before the manifest named it. The
                // previous active segment is scanned to its seal marker (its entry is not sealed).
                out.add(new Manifest.Entry(f, f, -1, SegmentHeaderDescriptor.DATA_OFFSET, false));
                adopted.add(f);
                state.step(new RecoveryPlan.Adopt(path, "activated by a roll the manifest had not recorded"));
            } else if (cut) {
                state.discard(path, "after the point where the journal was cut");
            } else {
                state.found(Damage.SEGMENT_UNEXPLAINED, path, -1,
                        "segment file not in the manifest and not explained by a roll or retention");
                state.discard(path, "not part of the journal"); // DROP in every mode that does not refuse
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
                if (state.found(Damage.HEADER_DAMAGED, path, 0, problem) == Action.CUT) {
                    for (int j = i; j < files.length; j++) {
                        state.discard(SegmentFiles.segmentPath(dir, files[j]), "after the point where the journal was cut");
                    }
                    break;
                }
                state.discard(path, "unreadable header"); // DROP
                continue;
            }
            state.maxIndex = Math.max(state.maxIndex, index);
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
                if (state.found(Damage.SEQUENCE_GAP, path, 0, reason) == Action.CUT) {
                    cutFrom(entries, i);
                    break;
                } // else CONTINUE: a reported gap
            }
            final long nextFirst = isLast ? -1 : entries.get(i + 1).firstSequence;
            final SegmentScan.Outcome o = segmentScan.scan(path, e, isLast, nextFirst, !isLast && adopted.contains(nextFirst));
            if (o.entry() == null) {
                // unusable (its damage was found as HEADER_DAMAGED or SEGMENT_MISSING: the same rule)
                if (state.rule(Damage.HEADER_DAMAGED) == Action.CUT) {
                    cutFrom(entries, i);
                    break;
                }
                state.discard(path, "unusable"); // DROP
                previousScanned = false;
                continue;
            }
            result.add(o.entry());
            previousNext = o.entry().nextSequence;
            previousScanned = true;
            if (o.stopJournal()) {
                cutFrom(entries, i + 1);
                // the truncated segment becomes the active one
                final Manifest.Entry t = o.entry();
                result.set(result.size() - 1, new Manifest.Entry(t.firstSequence, t.nextSequence, t.segmentIndex,
                        t.validLength, false));
                break;
            }
        }
        return result;
    }

    private void cutFrom(List<Manifest.Entry> entries, int from) {
        for (int j = from; j < entries.size(); j++) {
            state.discard(SegmentFiles.segmentPath(dir, entries.get(j).firstSequence), "after the point where the journal was cut");
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
