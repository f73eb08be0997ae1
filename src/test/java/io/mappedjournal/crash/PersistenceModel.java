package io.mappedjournal.crash;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The persistence model of power-loss testing (the practice of ALICE and CrashMonkey), as a
 * reusable builder of crash images. Two {@link State}s describe a journal directory at an instant:
 * what is <em>durable</em> (on the disk) and what is <em>current</em> (what the page cache and the
 * directory show). A power cut keeps the durable state plus any subset the model allows of the
 * changes made since:
 *
 * <pre>
 *   unit            durable when                        at a cut, if changed since
 *   ------------    ---------------------------------   -------------------------------------------
 *   4 KiB page      msync(MS_SYNC) / fsync covering it   KEPT | LOST (old bytes, zeros in fresh
 *                                                         space) | TORN at 512-byte sectors |
 *                                                         GARBAGE (its changed bytes random)
 *   file length     fsync / fallocate+fsync of the file  durable length or current length
 *   directory       fsync of the directory               per file: all of its entry changes
 *   entries                                              (create, rename, unlink) or none of them
 *                                                        (a rename is atomic)
 * </pre>
 *
 * A process crash (kill -9) is the choice {@link Choices#KEEP_ALL}: everything current survives,
 * and the durable state stays what it was, for the power cut that may follow.
 *
 * <p>Files are identified by an id (their inode number on the real file system) so that a
 * rename keeps a file's durable bytes, and a directory maps names to ids. Nothing here knows the
 * journal's formats: bytes are bytes.
 */
public final class PersistenceModel {
    /** Unit of write-back and of msync. */
    public static final int PAGE = 4096;
    /** Unit of a torn write. */
    public static final int SECTOR = 512;

    private PersistenceModel() {
    }

    /** A directory at an instant: names to file ids, and each file's bytes (its length is the file length). */
    public static final class State {
        /** File name to file id. */
        public final TreeMap<String, Long> dir = new TreeMap<>();
        /** File id to contents. May hold files no name refers to (deleted, or not durable yet). */
        public final Map<Long, byte[]> content = new HashMap<>();

        /**
         * Reads {@code dir}'s regular files (all but {@code skip}), keyed by inode.
         *
         * @param dir  the directory
         * @param skip file names to leave out (the lock file)
         * @return the state
         * @throws IOException if a file cannot be read
         */
        public static State read(Path dir, Set<String> skip) throws IOException {
            final State s = new State();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                for (Path p : stream) {
                    final String name = p.getFileName().toString();
                    if (skip.contains(name) || !Files.isRegularFile(p)) {
                        continue;
                    }
                    final long id;
                    final byte[] bytes;
                    try {
                        id = inode(p);
                        bytes = Files.readAllBytes(p);
                    } catch (java.nio.file.NoSuchFileException e) {
                        continue; // deleted while listing: not there
                    }
                    s.dir.put(name, id);
                    s.content.put(id, bytes);
                }
            }
            return s;
        }

        /** A copy. Contents are shared: the model never writes into an array it holds (it replaces it). */
        public State copy() {
            final State c = new State();
            c.dir.putAll(dir);
            c.content.putAll(content);
            return c;
        }

        /** The bytes of the file named {@code name}, or null. */
        public byte[] file(String name) {
            final Long id = dir.get(name);
            return id == null ? null : content.get(id);
        }

        /**
         * Replaces {@code target}'s contents with this state's named files, and returns this
         * state re-keyed by the new files' inodes (so that the model can go on from there).
         *
         * @param target the directory to write (everything in it is deleted first, except {@code keep})
         * @param keep   file names left alone (the lock file)
         * @return the old id to new id mapping
         * @throws IOException if a file cannot be written
         */
        public Map<Long, Long> writeTo(Path target, Set<String> keep) throws IOException {
            Files.createDirectories(target);
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(target)) {
                for (Path p : stream) {
                    if (!keep.contains(p.getFileName().toString())) {
                        Files.delete(p);
                    }
                }
            }
            final Map<Long, Long> ids = new HashMap<>();
            for (Map.Entry<String, Long> e : dir.entrySet()) {
                final Path p = target.resolve(e.getKey());
                Files.write(p, content.get(e.getValue()));
                ids.put(e.getValue(), inode(p));
            }
            return ids;
        }

        /**
         * This state with every id replaced through {@code ids} (ids not in it are dropped).
         *
         * @param ids old id to new id
         * @return the re-keyed copy
         */
        public State rekey(Map<Long, Long> ids) {
            final State s = new State();
            dir.forEach((name, id) -> {
                if (ids.containsKey(id)) {
                    s.dir.put(name, ids.get(id));
                }
            });
            content.forEach((id, bytes) -> {
                if (ids.containsKey(id)) {
                    s.content.put(ids.get(id), bytes.clone());
                }
            });
            return s;
        }
    }

    /** The inode number of {@code p}: the id of a file across renames. */
    public static long inode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    // ------------------------------------------------------------------ what a sync makes durable

    /**
     * {@code msync} / {@code sync_file_range} of {@code [from, to)} of file {@code id}: the pages
     * it touches become durable as they are in {@code current}.
     */
    public static void syncRange(State durable, State current, long id, long from, long to) {
        final byte[] now = current.content.get(id);
        if (now == null || to <= from) {
            return;
        }
        byte[] d = durable.content.getOrDefault(id, new byte[0]).clone(); // states share arrays: never write one
        final long pageFrom = (from / PAGE) * PAGE;
        final long pageTo = Math.min(now.length, ((to + PAGE - 1) / PAGE) * PAGE);
        if (d.length < pageTo) {
            d = Arrays.copyOf(d, (int) pageTo); // the synced data's size is made durable with it
        }
        System.arraycopy(now, (int) pageFrom, d, (int) pageFrom, (int) Math.max(0, pageTo - pageFrom));
        durable.content.put(id, d);
    }

    /** {@code fsync} of file {@code id} (or its fallocate + fsync): contents and length become durable. */
    public static void syncFile(State durable, State current, long id) {
        final byte[] now = current.content.get(id);
        if (now != null) {
            durable.content.put(id, now.clone());
        }
    }

    /** {@code fsync} of the directory: every entry as it is now becomes durable. */
    public static void syncDirectory(State durable, State current) {
        durable.dir.clear();
        durable.dir.putAll(current.dir);
        for (long id : current.dir.values()) {
            durable.content.putIfAbsent(id, new byte[0]); // created, never synced: empty on disk
        }
    }

    // ------------------------------------------------------------------ crash images

    /** What happens to each unit changed since it was last durable. */
    public enum Fate {
        /** The new bytes reached the disk. */
        KEPT,
        /** The new bytes did not reach the disk: the old ones remain (zeros in fresh space). */
        LOST,
        /** Some 512-byte sectors new, some old. */
        TORN,
        /** The device garbled the write: every byte that was changing is random (the others stay). */
        GARBAGE
    }

    /** The choices that make one crash image out of the durable and current states. */
    public interface Choices {
        /** The fate of page {@code page} of file id {@code id}, which changed since it was durable. */
        Fate page(long id, long page);

        /** For a torn page: whether sector {@code sector} (0..7) is new. */
        boolean sectorNew(long id, long page, int sector);

        /** Whether file {@code id}'s length is its current one (else its durable one), when they differ. */
        boolean currentLength(long id);

        /** Whether the directory entry changes of file {@code id} reached the disk. */
        boolean entriesReached(long id);

        /** Fills a garbage page. */
        void garbage(byte[] page);

        /** A process crash: everything current survives. */
        Choices KEEP_ALL = fixed(Fate.KEPT, true);
        /** A power cut that loses every change not synced. */
        Choices LOSE_ALL = fixed(Fate.LOST, false);

        /** Every changed unit gets {@code fate}; lengths and entries current iff {@code current}. */
        static Choices fixed(Fate fate, boolean current) {
            return new Choices() {
                @Override
                public Fate page(long id, long page) {
                    return fate;
                }

                @Override
                public boolean sectorNew(long id, long page, int sector) {
                    return (sector & 1) == 0;
                }

                @Override
                public boolean currentLength(long id) {
                    return current;
                }

                @Override
                public boolean entriesReached(long id) {
                    return current;
                }

                @Override
                public void garbage(byte[] page) {
                    Arrays.fill(page, (byte) 0x5a);
                }
            };
        }

        /**
         * Independent seeded choices: each changed page KEPT, LOST, TORN or GARBAGE with weights
         * 4:4:3:1, each torn sector new with probability 1/2, lengths and entries current with
         * probability 1/2.
         */
        static Choices seeded(long seed) {
            final Random r = new Random(seed);
            return new Choices() {
                @Override
                public Fate page(long id, long page) {
                    final int x = r.nextInt(12);
                    return x < 4 ? Fate.KEPT : x < 8 ? Fate.LOST : x < 11 ? Fate.TORN : Fate.GARBAGE;
                }

                @Override
                public boolean sectorNew(long id, long page, int sector) {
                    return r.nextBoolean();
                }

                @Override
                public boolean currentLength(long id) {
                    return r.nextBoolean();
                }

                @Override
                public boolean entriesReached(long id) {
                    return r.nextBoolean();
                }

                @Override
                public void garbage(byte[] page) {
                    r.nextBytes(page);
                }
            };
        }
    }

    /**
     * Pages of file {@code id} whose current bytes differ from the durable ones (the units a cut
     * chooses for), in order. A page beyond either length counts as zeros there.
     */
    public static long[] changedPages(State durable, State current, long id) {
        final byte[] d = durable.content.getOrDefault(id, new byte[0]);
        final byte[] c = current.content.getOrDefault(id, d);
        final int pages = (Math.max(d.length, c.length) + PAGE - 1) / PAGE;
        final long[] out = new long[pages];
        int n = 0;
        for (int p = 0; p < pages; p++) {
            if (!samePage(d, c, p)) {
                out[n++] = p;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Files whose directory entries differ between the durable and the current state. */
    public static Set<Long> changedEntries(State durable, State current) {
        final Set<Long> ids = new LinkedHashSet<>();
        final Set<String> names = new LinkedHashSet<>(durable.dir.keySet());
        names.addAll(current.dir.keySet());
        for (String name : names) {
            final Long d = durable.dir.get(name);
            final Long c = current.dir.get(name);
            if (d == null ? c != null : !d.equals(c)) {
                if (d != null) {
                    ids.add(d);
                }
                if (c != null) {
                    ids.add(c);
                }
            }
        }
        return ids;
    }

    /**
     * The crash image {@code choices} make of {@code durable} and {@code current}: the directory
     * and the bytes that would be found on the disk after the cut (a state whose every file is
     * durable). {@code current} must hold the last known contents of every file the durable
     * directory names, deleted ones included.
     *
     * @param durable what was durable at the cut
     * @param current what the page cache and the directory showed at the cut
     * @param choices the fate of each changed unit
     * @return the image, keyed by the same ids
     */
    public static State crash(State durable, State current, Choices choices) {
        final State image = new State();
        image.dir.putAll(durable.dir);
        for (long id : changedEntries(durable, current)) {
            if (!choices.entriesReached(id)) {
                continue;
            }
            image.dir.values().removeIf(v -> v == id);
            current.dir.forEach((name, v) -> {
                if (v == id) {
                    image.dir.put(name, id);
                }
            });
        }
        for (long id : new LinkedHashSet<>(image.dir.values())) {
            image.content.put(id, crashFile(durable, current, id, choices));
        }
        return image;
    }

    private static byte[] crashFile(State durable, State current, long id, Choices choices) {
        final byte[] d = durable.content.getOrDefault(id, new byte[0]);
        final byte[] c = current.content.getOrDefault(id, d);
        final int length = d.length == c.length || !choices.currentLength(id) ? d.length : c.length;
        final byte[] out = Arrays.copyOf(d, length);
        final int pages = (length + PAGE - 1) / PAGE;
        final byte[] page = new byte[PAGE];
        for (int p = 0; p < pages; p++) {
            if (samePage(d, c, p)) {
                continue;
            }
            final int from = p * PAGE;
            final int to = Math.min(length, from + PAGE);
            switch (choices.page(id, p)) {
                case KEPT:
                    copyRange(c, out, from, to);
                    break;
                case LOST:
                    break; // the durable bytes (zeros past the durable length) stay
                case TORN:
                    for (int s = 0; s * SECTOR < PAGE; s++) {
                        if (choices.sectorNew(id, p, s)) {
                            copyRange(c, out, Math.min(to, from + s * SECTOR), Math.min(to, from + (s + 1) * SECTOR));
                        }
                    }
                    break;
                case GARBAGE:
                    // the device garbled what it was changing; bytes the write left as they were stay
                    choices.garbage(page);
                    for (int i = from; i < to; i++) {
                        final byte o = i < d.length ? d[i] : 0;
                        final byte n = i < c.length ? c[i] : 0;
                        if (o != n) {
                            out[i] = page[i - from];
                        }
                    }
                    break;
                default:
                    throw new AssertionError();
            }
        }
        return out;
    }

    /** Copies {@code src[from, to)} to {@code dst}, zeros where {@code src} is shorter. */
    private static void copyRange(byte[] src, byte[] dst, int from, int to) {
        final int within = Math.max(from, Math.min(to, src.length));
        if (within > from) {
            System.arraycopy(src, from, dst, from, within - from);
        }
        Arrays.fill(dst, within, to, (byte) 0);
    }

    private static boolean samePage(byte[] a, byte[] b, int page) {
        final int from = page * PAGE;
        final int to = from + PAGE;
        // where both arrays hold the page's bytes, compare them as ranges (vectorised); past the
        // shorter one, the longer must hold zeros (the shorter reads as zeros there)
        final int both = Math.max(from, Math.min(to, Math.min(a.length, b.length)));
        if (!Arrays.equals(a, from, both, b, from, both)) {
            return false;
        }
        final byte[] longer = a.length >= b.length ? a : b;
        for (int i = both; i < Math.min(to, longer.length); i++) {
            if (longer[i] != 0) {
                return false;
            }
        }
        return true; // a length change is chosen apart from the bytes (Choices#currentLength)
    }
}
