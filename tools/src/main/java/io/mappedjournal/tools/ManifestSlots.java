package io.mappedjournal.tools;

import io.mappedjournal.inspect.JournalFiles;
import io.mappedjournal.inspect.ManifestInfo;
import io.mappedjournal.inspect.ManifestSlot;
import io.mappedjournal.inspect.Manifests;
import io.mappedjournal.inspect.SegmentEntry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Both manifest slots, each read and judged on its own (read-only), plus the manifest the
 * library would use ({@link Manifests#read}: the valid slot with the highest generation).
 */
final class ManifestSlots {
    final List<ManifestSlot> slots;
    /** The manifest in use, or null if no slot is valid. */
    final ManifestInfo chosen;
    /** Name of the slot {@link #chosen} came from, or null. */
    final String chosenSlot;

    private ManifestSlots(List<ManifestSlot> slots, ManifestInfo chosen, String chosenSlot) {
        this.slots = slots;
        this.chosen = chosen;
        this.chosenSlot = chosenSlot;
    }

    static ManifestSlots read(Path dir) throws IOException {
        final List<ManifestSlot> slots = Manifests.readSlots(dir);
        // The library's choice, so the tools agree with what Journal.open and recovery use.
        final ManifestInfo chosen = Manifests.read(dir);
        String chosenSlot = null;
        if (chosen != null) {
            for (ManifestSlot s : slots) {
                if (s.manifest() != null && s.manifest().generation() == chosen.generation()) {
                    chosenSlot = s.name();
                }
            }
        }
        return new ManifestSlots(slots, chosen, chosenSlot);
    }

    /**
     * The segments the manifest in use lists that are not among {@code files}: for each, its file
     * name and why that is damage. Empty without a manifest. What recovery refuses (a listed
     * segment missing), every tool reports.
     *
     * @param files the first sequences of the segment files on disk
     * @return {file name, reason} pairs, oldest first
     */
    List<String[]> missingSegments(long[] files) {
        final List<String[]> missing = new ArrayList<>();
        if (chosen == null) {
            return missing;
        }
        for (SegmentEntry e : chosen.segments()) {
            if (java.util.Arrays.stream(files).noneMatch(f -> f == e.firstSequence())) {
                missing.add(new String[]{JournalFiles.segmentName(e.firstSequence()), "segment file missing: the manifest lists it as "
                        + (e.sealed() ? "sealed" : "active") + " with records before sequence " + e.nextSequence()});
            }
        }
        return missing;
    }

    boolean anyPresent() {
        return slots.stream().anyMatch(ManifestSlot::present);
    }

    /** One line per slot, e.g. {@code manifest.0: generation 3, 2 segments, closed cleanly}. */
    List<String> describe() {
        final List<String> lines = new ArrayList<>();
        for (ManifestSlot s : slots) {
            if (!s.present()) {
                lines.add(s.name() + ": absent");
            } else if (s.manifest() == null) {
                lines.add(s.name() + ": refused: " + s.problem());
            } else {
                lines.add(s.name() + ": generation " + s.manifest().generation() + ", " + s.manifest().segments().size()
                        + " segment" + (s.manifest().segments().size() == 1 ? "" : "s") + ", "
                        + (s.manifest().clean() ? "closed cleanly" : "not closed cleanly")
                        + (s.manifest() == chosen || (chosen != null && s.name().equals(chosenSlot)) ? " (in use)" : ""));
            }
        }
        return lines;
    }
}
