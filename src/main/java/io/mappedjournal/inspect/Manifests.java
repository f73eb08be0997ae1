package io.mappedjournal.inspect;

import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A journal directory's manifest slots, read-only. Any thread. */
public final class Manifests {
    private Manifests() {
    }

    /**
     * The manifest the journal would use: the valid slot with the highest generation, as
     * {@code Journal.open} and recovery choose it.
     *
     * @param dir the journal directory
     * @return the manifest, or null if no slot is valid
     * @throws IOException if a slot cannot be read
     */
    public static ManifestInfo read(Path dir) throws IOException {
        return info(ManifestStore.read(dir).manifest);
    }

    /**
     * Both slots, each read and judged on its own.
     *
     * @param dir the journal directory
     * @return slot 0, then slot 1
     * @throws IOException naming the slot if one cannot be read (e.g. it is a directory)
     */
    public static List<ManifestSlot> readSlots(Path dir) throws IOException {
        final List<ManifestSlot> slots = new ArrayList<>(2);
        for (int i = 0; i < 2; i++) {
            final ManifestStore.Slot s = ManifestStore.readSlot(dir, i);
            slots.add(new ManifestSlot(s.name(), s.present(), info(s.manifest()), s.problem()));
        }
        return slots;
    }

    static ManifestInfo info(Manifest m) {
        if (m == null) {
            return null;
        }
        final List<SegmentEntry> entries = new ArrayList<>(m.segments().size());
        for (Manifest.Entry e : m.segments()) {
            entries.add(entry(e));
        }
        return new ManifestInfo(m.generation(), m.lowWaterSequence(), m.clean(), entries);
    }

    static SegmentEntry entry(Manifest.Entry e) {
        return new SegmentEntry(e.firstSequence, e.nextSequence, e.segmentIndex, e.validLength, e.sealed);
    }
}
