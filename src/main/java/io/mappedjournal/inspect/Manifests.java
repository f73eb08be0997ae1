package io.mappedjournal.inspect;

import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestCodec;
import io.mappedjournal.manifest.ManifestDescriptor;
import io.mappedjournal.manifest.ManifestStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
        final List<ManifestSlot> slots = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            final String name = ManifestDescriptor.slotName(i);
            final Path path = dir.resolve(name);
            try {
                final long size = Files.size(path);
                if (size > ManifestDescriptor.slotLength(ManifestDescriptor.MAX_ENTRIES)) {
                    slots.add(new ManifestSlot(name, true, null, "manifest too large: length=" + size));
                    continue;
                }
                slots.add(new ManifestSlot(name, true, info(ManifestCodec.decode(Files.readAllBytes(path))), null));
            } catch (NoSuchFileException e) {
                slots.add(new ManifestSlot(name, false, null, null));
            } catch (IllegalArgumentException e) {
                slots.add(new ManifestSlot(name, true, null, e.getMessage()));
            } catch (IOException e) {
                // e.g. "Is a directory", which names no file: say which
                throw new IOException("cannot read manifest slot: path=" + path + ": " + e.getMessage(), e);
            }
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
