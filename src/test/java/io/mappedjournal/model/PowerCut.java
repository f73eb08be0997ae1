package io.mappedjournal.model;

import io.mappedjournal.manifest.ManifestCodec;
import io.mappedjournal.manifest.ManifestDescriptor;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.MsyncSyncer;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentFiles;
import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The persistence model of one journal incarnation, small on purpose (the crash-state
 * enumeration has the full one): which bytes of each segment file are durable, and the images a
 * crash may leave.
 *
 * <p>Durable bytes: what was on disk when the journal was opened (the image written there), plus
 * every range a completed {@link FileSyncer#sync} covered, with the content it had when the sync
 * returned (the syncer is this class: the real {@code msync}, then a copy of the synced bytes).
 * Recovery's own repairs and the activation of a new segment sync through it too.
 *
 * <p>A power cut, per 4 KiB page of a segment file that differs from its durable content (written
 * since its last sync), chooses one fate from a seeded random: kept (written back in time), as
 * last synced (zeros in preallocated space), garbage in the bytes no sync covered, or torn at a
 * 512-byte sector (each sector new or as last synced). The manifest slot the next manifest write
 * goes to (the one not holding the newest generation) may be kept, zeroed, garbage or torn; the
 * newest one was fsynced before the cut, because the cut copies the slots while holding the
 * segment log's monitor, which every manifest write holds. A leftover {@code .prealloc} file may
 * vanish. A halt (process crash) keeps every byte written.
 */
final class PowerCut implements FileSyncer {
    static final int PAGE = 4096;
    static final int SECTOR = 512;

    private final MsyncSyncer real = new MsyncSyncer(PosixAPI.posix());
    /** Completed syncs in completion order. */
    private final List<Synced> synced = new ArrayList<>();
    /** Segment files as on disk when this incarnation opened (all durable). */
    private Map<String, byte[]> baseline = Map.of();

    private record Synced(Segment segment, long from, byte[] bytes) {
    }

    /** Counters for the report: pages given each fate. */
    static final long[] FATES = new long[4];

    @Override
    public void sync(Segment segment, long fromOffset, long toOffset) throws IOException {
        real.sync(segment, fromOffset, toOffset);
        if (toOffset <= fromOffset) {
            return;
        }
        final long from = fromOffset & -PAGE; // msync wrote the whole first page: bytes before fromOffset are older
        final byte[] bytes = new byte[(int) (toOffset - from)];
        segment.store().read(from, bytes, 0, bytes.length);
        synchronized (synced) {
            synced.add(new Synced(segment, from, bytes));
        }
    }

    /** A new incarnation: the files in {@code dir} now are durable; earlier syncs are forgotten. */
    void reset(Path dir) throws IOException {
        synchronized (synced) {
            synced.clear();
        }
        baseline = readSegments(dir);
    }

    /** The durable content and the bytes any sync or the baseline covered, per segment file name. */
    private Map<String, byte[]> durable(Map<String, BitSet> covered) {
        final Map<String, byte[]> images = new HashMap<>();
        baseline.forEach((name, bytes) -> {
            images.put(name, bytes.clone());
            final BitSet all = new BitSet(bytes.length);
            all.set(0, bytes.length);
            covered.put(name, all);
        });
        final List<Synced> events;
        synchronized (synced) {
            events = new ArrayList<>(synced);
        }
        for (Synced s : events) {
            // A segment is renamed once, at activation (its header sync comes first): its path now is its final name.
            final String name = s.segment.path().getFileName().toString();
            final byte[] img = images.computeIfAbsent(name, n -> new byte[(int) s.segment.length()]);
            System.arraycopy(s.bytes, 0, img, (int) s.from, s.bytes.length);
            covered.computeIfAbsent(name, n -> new BitSet()).set((int) s.from, (int) s.from + s.bytes.length);
        }
        return images;
    }

    /**
     * Captures a crash image of a live journal: the manifest slots while {@code manifestMonitor}
     * is held (no manifest write in flight, and whatever the newest manifest names was synced
     * before), then the segment files (their content can only have grown past what was durable),
     * then the durable state.
     *
     * @param powerCut false for a halt: every file as written
     */
    TreeMap<String, byte[]> capture(Path dir, Object manifestMonitor, boolean powerCut, Random rnd)
            throws IOException {
        final TreeMap<String, byte[]> image = new TreeMap<>();
        final Map<String, byte[]> durable;
        final Map<String, BitSet> covered = new HashMap<>();
        synchronized (manifestMonitor) {
            for (int slot = 0; slot < 2; slot++) {
                final String name = ManifestDescriptor.slotName(slot);
                try {
                    image.put(name, Files.readAllBytes(dir.resolve(name)));
                } catch (NoSuchFileException e) {
                    // never written
                }
            }
        }
        image.putAll(readSegments(dir));
        // After the copies: a segment renamed before its copy had its header synced before the
        // rename, so the durable state must include that sync (it may include later ones: a page
        // as synced later is as legal a fate as the page as copied).
        durable = durable(covered);
        if (!powerCut) {
            return image;
        }
        for (String name : new ArrayList<>(image.keySet())) {
            if (name.endsWith(SegmentFiles.PREALLOC_SUFFIX)) {
                if (rnd.nextBoolean()) {
                    image.remove(name);
                }
                continue;
            }
            if (SegmentFiles.firstSequenceOf(name) < 0) {
                continue;
            }
            final byte[] now = image.get(name);
            final byte[] old = durable.getOrDefault(name, new byte[now.length]);
            final BitSet sure = covered.getOrDefault(name, new BitSet());
            for (int p = 0; p < now.length; p += PAGE) {
                if (Arrays.equals(old, p, p + PAGE, now, p, p + PAGE)) {
                    continue;
                }
                final int fate = rnd.nextInt(4);
                FATES[fate]++;
                switch (fate) {
                    case 0: // written back in time
                        break;
                    case 1: // never written back
                        System.arraycopy(old, p, now, p, PAGE);
                        break;
                    case 2: // garbage where no sync vouches for the bytes
                        for (int i = p; i < p + PAGE; i++) {
                            if (!sure.get(i)) {
                                now[i] = (byte) rnd.nextInt(256);
                            } else {
                                now[i] = old[i];
                            }
                        }
                        break;
                    default: // torn: each sector new or old
                        for (int s = p; s < p + PAGE; s += SECTOR) {
                            if (rnd.nextBoolean()) {
                                System.arraycopy(old, s, now, s, SECTOR);
                            }
                        }
                }
            }
        }
        damageNextManifestSlot(image, rnd);
        return image;
    }

    private static void damageNextManifestSlot(TreeMap<String, byte[]> image, Random rnd) {
        long newest = -1;
        int newestSlot = -1;
        for (int slot = 0; slot < 2; slot++) {
            final byte[] b = image.get(ManifestDescriptor.slotName(slot));
            if (b == null) {
                continue;
            }
            try {
                final long g = ManifestCodec.decode(b).generation();
                if (g > newest) {
                    newest = g;
                    newestSlot = slot;
                }
            } catch (IllegalArgumentException e) {
                // not a candidate
            }
        }
        if (newestSlot < 0) {
            return;
        }
        final byte[] next = image.get(ManifestDescriptor.slotName(1 - newestSlot));
        if (next == null) {
            return;
        }
        switch (rnd.nextInt(4)) {
            case 0:
                break;
            case 1:
                Arrays.fill(next, (byte) 0);
                break;
            case 2:
                rnd.nextBytes(next);
                break;
            default: {
                final int cut = rnd.nextInt(next.length + 1);
                for (int i = 0; i < cut; i++) {
                    next[i] = (byte) rnd.nextInt(256);
                }
            }
        }
    }

    /** Every segment file (and leftover preallocated one) in {@code dir}, by name. */
    static TreeMap<String, byte[]> readSegments(Path dir) throws IOException {
        final TreeMap<String, byte[]> files = new TreeMap<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                final String name = p.getFileName().toString();
                if (SegmentFiles.firstSequenceOf(name) >= 0 || name.endsWith(SegmentFiles.PREALLOC_SUFFIX)) {
                    try {
                        files.put(name, Files.readAllBytes(p));
                    } catch (NoSuchFileException e) {
                        // deleted by retention meanwhile
                    }
                }
            }
        }
        return files;
    }

    /** Writes {@code image} as the whole content of the (new, empty) directory {@code dir}. */
    static void write(Map<String, byte[]> image, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : image.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }
}
