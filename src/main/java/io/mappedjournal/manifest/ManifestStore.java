package io.mappedjournal.manifest;

import io.mappedjournal.fileio.DurableFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and replaces the manifest in two alternating slot files. A write goes to the slot the
 * current generation does not occupy and is fsynced before it counts, so at every instant at
 * least one slot holds a complete manifest. One commit point per update: the fsync of the slot.
 */
public final class ManifestStore {
    private final Path dir;
    private long generation;

    private ManifestStore(Path dir, long generation) {
        this.dir = dir;
        this.generation = generation;
    }

    /** What reading both slots found: the manifest to use (or null) and why the others were refused. */
    public static final class ReadResult {
        /** The believable slot with the higher generation, or null if neither is believable. */
        public final Manifest manifest;
        /** Why slots were refused: one message per refused slot, naming its path. */
        public final List<String> problems;
        /** True when at least one slot file exists, believable or not. */
        public final boolean anySlotPresent;

        ReadResult(Manifest manifest, List<String> problems, boolean anySlotPresent) {
            this.manifest = manifest;
            this.problems = problems;
            this.anySlotPresent = anySlotPresent;
        }
    }

    /**
     * Reads both slots; read-only.
     *
     * @param dir the journal directory
     * @return the manifest to use, if any, and the problems found
     * @throws IOException if a slot file exists but cannot be read
     */
    public static ReadResult read(Path dir) throws IOException {
        Manifest best = null;
        final List<String> problems = new ArrayList<>();
        boolean present = false;
        for (int i = 0; i < 2; i++) {
            final Slot slot = readSlot(dir, i);
            present |= slot.present();
            if (slot.problem() != null) {
                problems.add(dir.resolve(slot.name()) + ": " + slot.problem());
            } else if (slot.manifest() != null
                    && (best == null || slot.manifest().generation() > best.generation())) {
                best = slot.manifest();
            }
        }
        return new ReadResult(best, problems, present);
    }

    /**
     * One manifest slot as found on disk: absent, refused (with why), or a believable manifest.
     *
     * @param name     the slot's file name
     * @param present  whether the file exists
     * @param manifest the decoded manifest, or null if absent or refused
     * @param problem  why the slot was refused (without its path), or null
     */
    public record Slot(String name, boolean present, Manifest manifest, String problem) {
    }

    /**
     * Reads and checks one slot; read-only. The one slot reader of {@link #read} and the tools.
     *
     * @param dir  the journal directory
     * @param slot 0 or 1
     * @return what the slot holds
     * @throws IOException if the slot file exists but cannot be read (the message names it)
     */
    public static Slot readSlot(Path dir, int slot) throws IOException {
        final String name = ManifestDescriptor.slotName(slot);
        final Path path = dir.resolve(name);
        try {
            final long size = Files.size(path);
            if (size > ManifestDescriptor.slotLength(ManifestDescriptor.MAX_ENTRIES)) {
                return new Slot(name, true, null, "manifest too large: length=" + size);
            }
            return new Slot(name, true, ManifestCodec.decode(Files.readAllBytes(path)), null);
        } catch (NoSuchFileException e) {
            return new Slot(name, false, null, null);
        } catch (IllegalArgumentException e) {
            return new Slot(name, true, null, e.getMessage());
        } catch (IOException e) {
            // e.g. "Is a directory", which names no file: say which
            throw new IOException("cannot read manifest slot: path=" + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * A store that will write generations after {@code lastGeneration}.
     *
     * @param dir            the journal directory
     * @param lastGeneration the highest generation already written (0 if none)
     * @return the store
     */
    public static ManifestStore forWriting(Path dir, long lastGeneration) {
        return new ManifestStore(dir, lastGeneration);
    }

    long generation() {
        return generation;
    }

    /**
     * Writes {@code manifest} as the next generation into the other slot, then fsyncs it (and the
     * directory the first time the slot file is created). Not thread-safe: callers serialise
     * writes ({@code SegmentLog} holds its monitor).
     *
     * @param manifest the content to write; its generation is replaced by the next one
     * @return the manifest as written, with its generation
     * @throws IOException if the slot or the directory cannot be written or synced; the store's
     *                     generation is then unchanged, and every later write is refused: a failed
     *                     write or sync of a slot is never retried (another thread's write already
     *                     waiting for the caller's monitor would otherwise fsync the same slot again
     *                     and take the kernel's "success")
     */
    public Manifest write(Manifest manifest) throws IOException {
        if (failure != null) {
            throw new IOException("manifest write refused: an earlier manifest write failed and is never retried: dir="
                    + dir + " failure=[" + failure + "]");
        }
        try {
            return writeNext(manifest);
        } catch (IOException | RuntimeException e) {
            failure = e.getMessage();
            throw e;
        }
    }

    /** The failure of an earlier write (its message), or null. Guarded like {@link #generation}: writers are serialised. */
    private String failure;

    private Manifest writeNext(Manifest manifest) throws IOException {
        final long next = generation + 1;
        final Manifest stamped = manifest.withGeneration(next);
        final byte[] bytes = ManifestCodec.encode(stamped);
        final Path path = dir.resolve(ManifestDescriptor.slotName((int) (next & 1)));
        final boolean created = !Files.exists(path);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long at = 0;
            while (buffer.hasRemaining()) {
                at += ch.write(buffer, at);
            }
            ch.truncate(bytes.length);
            DurableFiles.force(ch, path);
        }
        if (created) {
            DurableFiles.fsyncDirectory(dir);
        }
        generation = next; // in-memory state changes only after the commit point succeeded
        return stamped;
    }
}
