package io.mappedjournal.segment;

import io.mappedjournal.fileio.DurableFiles;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * File names in a journal directory. Segment files are named by their first sequence number,
 * zero-padded to 20 digits, so names sort in journal order:
 * {@code 00000000000000000000.seg}, {@code 00000000000001048576.seg}, ...
 * A segment being prepared is {@code <index>.prealloc} until it becomes active.
 */
public final class SegmentFiles {
    static final String SEGMENT_SUFFIX = ".seg";
    /** File name suffix of a segment being prepared. */
    public static final String PREALLOC_SUFFIX = ".prealloc";
    /** Name of the file whose lock keeps a second writer out of the directory. */
    public static final String LOCK_FILE = "journal.lock";

    private SegmentFiles() {
    }

    /**
     * File name of the segment whose first sequence is {@code firstSequence}.
     *
     * @param firstSequence the segment's first sequence
     * @return the name, such as {@code 00000000000001048576.seg}
     */
    public static String segmentName(long firstSequence) {
        return String.format("%020d%s", firstSequence, SEGMENT_SUFFIX);
    }

    /**
     * Where recovery sets {@code segment} aside: {@code <name>.gen<G>.discarded}, {@code G} the
     * generation of the manifest that commits the decision. A later recovery that finds a listed
     * segment missing takes only the file of the generation after the manifest it reads as the
     * sign of an interrupted set-aside; one left by an earlier, committed recovery is no excuse.
     *
     * @param segment    the segment file
     * @param generation the generation of the manifest that will no longer name it
     * @return the path beside it
     */
    public static Path discardedPath(Path segment, long generation) {
        return segment.resolveSibling(segment.getFileName() + ".gen" + generation + ".discarded");
    }

    /**
     * Path of the segment whose first sequence is {@code firstSequence}.
     *
     * @param dir           the journal directory
     * @param firstSequence the segment's first sequence
     * @return the path in {@code dir}
     */
    public static Path segmentPath(Path dir, long firstSequence) {
        return dir.resolve(segmentName(firstSequence));
    }

    static Path preallocPath(Path dir, long segmentIndex) {
        return dir.resolve(String.format("%020d%s", segmentIndex, PREALLOC_SUFFIX));
    }

    /**
     * First sequence encoded in a segment file name, or -1 if it is not a segment name.
     *
     * @param fileName a file name, without its directory
     * @return the first sequence, or -1
     */
    public static long firstSequenceOf(String fileName) {
        if (fileName.length() != 20 + SEGMENT_SUFFIX.length() || !fileName.endsWith(SEGMENT_SUFFIX)) {
            return -1;
        }
        for (int i = 0; i < 20; i++) {
            if (!Character.isDigit(fileName.charAt(i))) {
                return -1;
            }
        }
        try {
            return Long.parseLong(fileName.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * First sequences of all segment files in {@code dir}, ascending.
     *
     * @param dir the journal directory
     * @return the first sequences; empty if there is no segment
     * @throws IOException if the directory cannot be read
     */
    public static long[] listSegments(Path dir) throws IOException {
        final List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SEGMENT_SUFFIX)) {
            for (Path p : stream) {
                final long first = firstSequenceOf(p.getFileName().toString());
                if (first >= 0) {
                    found.add(first);
                }
            }
        }
        return found.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /**
     * Leftover {@code .prealloc} files (a crash while preparing): not part of the journal.
     *
     * @param dir the journal directory
     * @return their paths, in no particular order
     * @throws IOException if the directory cannot be read
     */
    public static List<Path> listPreallocated(Path dir) throws IOException {
        final List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + PREALLOC_SUFFIX)) {
            stream.forEach(found::add);
        }
        return found;
    }

    /**
     * Makes a create, rename or delete in {@code dir} durable: {@link DurableFiles#fsyncDirectory}.
     *
     * @param dir the directory
     * @throws IOException if the directory cannot be opened or synced
     */
    public static void fsyncDirectory(Path dir) throws IOException {
        DurableFiles.fsyncDirectory(dir);
    }
}
