package io.mappedjournal.tools;

import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.segment.SegmentFiles;
import io.mappedjournal.manifest.ManifestCodec;
import io.mappedjournal.manifest.ManifestDescriptor;
import io.mappedjournal.manifest.ManifestStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Both manifest slots, each read and judged on its own (read-only), plus the manifest the
 * library would use ({@link ManifestStore#read}: the valid slot with the highest generation).
 */
final class ManifestSlots {
    /** One slot file: absent, valid (with its manifest) or refused (with the reason). */
    static final class Slot {
        final String name;
        final boolean present;
        final Manifest manifest;
        final String problem;

        Slot(String name, boolean present, Manifest manifest, String problem) {
            this.name = name;
            this.present = present;
            this.manifest = manifest;
            this.problem = problem;
        }
    }

    final List<Slot> slots;
    /** The manifest in use, or null if no slot is valid. */
    final Manifest chosen;
    /** Name of the slot {@link #chosen} came from, or null. */
    final String chosenSlot;

    private ManifestSlots(List<Slot> slots, Manifest chosen, String chosenSlot) {
        this.slots = slots;
        this.chosen = chosen;
        this.chosenSlot = chosenSlot;
    }

    static ManifestSlots read(Path dir) throws IOException {
        final List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            final String name = ManifestDescriptor.slotName(i);
            final Path path = dir.resolve(name);
            try {
                final long size = Files.size(path);
                if (size > ManifestDescriptor.slotLength(ManifestDescriptor.MAX_ENTRIES)) {
                    slots.add(new Slot(name, true, null, "manifest too large: length=" + size));
                    continue;
                }
                slots.add(new Slot(name, true, ManifestCodec.decode(Files.readAllBytes(path)), null));
            } catch (NoSuchFileException e) {
                slots.add(new Slot(name, false, null, null));
            } catch (IllegalArgumentException e) {
                slots.add(new Slot(name, true, null, e.getMessage()));
            } catch (IOException e) {
                // e.g. "Is a directory", which names no file: say which
                throw new IOException("cannot read manifest slot: path=" + path + ": " + e.getMessage(), e);
            }
        }
        // The library's choice, so the tools agree with what Journal.open and recovery use.
        final Manifest chosen = ManifestStore.read(dir).manifest;
        String chosenSlot = null;
        if (chosen != null) {
            for (Slot s : slots) {
                if (s.manifest != null && s.manifest.generation() == chosen.generation()) {
                    chosenSlot = s.name;
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
        for (Manifest.Entry e : chosen.segments()) {
            if (java.util.Arrays.stream(files).noneMatch(f -> f == e.firstSequence)) {
                missing.add(new String[]{SegmentFiles.segmentName(e.firstSequence), "segment file missing: the manifest lists it as "
                        + (e.sealed ? "sealed" : "active") + " with records before sequence " + e.nextSequence});
            }
        }
        return missing;
    }

    boolean anyPresent() {
        return slots.stream().anyMatch(s -> s.present);
    }

    /** One line per slot, e.g. {@code manifest.0: generation 3, 2 segments, closed cleanly}. */
    List<String> describe() {
        final List<String> lines = new ArrayList<>();
        for (Slot s : slots) {
            if (!s.present) {
                lines.add(s.name + ": absent");
            } else if (s.manifest == null) {
                lines.add(s.name + ": refused: " + s.problem);
            } else {
                lines.add(s.name + ": generation " + s.manifest.generation() + ", " + s.manifest.segments().size()
                        + " segment" + (s.manifest.segments().size() == 1 ? "" : "s") + ", "
                        + (s.manifest.clean() ? "closed cleanly" : "not closed cleanly")
                        + (s.manifest == chosen || (chosen != null && s.name.equals(chosenSlot)) ? " (in use)" : ""));
            }
        }
        return lines;
    }
}
