package io.mappedjournal.inspect;

import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.segment.SegmentFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The files of a journal directory and the sizes of the format (docs/FORMAT.md): segment files
 * named by their first sequence ({@code 00000000000001048576.seg}), {@code .prealloc} files being
 * prepared, the lock file. Any thread.
 */
public final class JournalFiles {
    private JournalFiles() {
    }

    /**
     * The file whose lock keeps a second writer out of {@code dir}.
     *
     * @param dir the journal directory
     * @return its lock file
     */
    public static Path lockFile(Path dir) {
        return dir.resolve(SegmentFiles.LOCK_FILE);
    }

    /**
     * First sequences of all segment files in {@code dir}, ascending.
     *
     * @param dir the journal directory
     * @return the first sequences; empty if there is no segment
     * @throws IOException if the directory cannot be read
     */
    public static long[] listSegments(Path dir) throws IOException {
        return SegmentFiles.listSegments(dir);
    }

    /**
     * Leftover {@code .prealloc} files (a crash while preparing a segment): not part of the journal.
     *
     * @param dir the journal directory
     * @return their paths, in no particular order
     * @throws IOException if the directory cannot be read
     */
    public static List<Path> listPreallocated(Path dir) throws IOException {
        return SegmentFiles.listPreallocated(dir);
    }

    /**
     * Whether {@code fileName} names a segment being prepared ({@code <index>.prealloc}).
     *
     * @param fileName a file name, without its directory
     * @return true for a {@code .prealloc} name
     */
    public static boolean isPreallocated(String fileName) {
        return fileName.endsWith(SegmentFiles.PREALLOC_SUFFIX);
    }

    /**
     * File name of the segment whose first sequence is {@code firstSequence}.
     *
     * @param firstSequence the segment's first sequence
     * @return the name, such as {@code 00000000000001048576.seg}
     */
    public static String segmentName(long firstSequence) {
        return SegmentFiles.segmentName(firstSequence);
    }

    /**
     * Path of the segment whose first sequence is {@code firstSequence}.
     *
     * @param dir           the journal directory
     * @param firstSequence the segment's first sequence
     * @return the path in {@code dir}
     */
    public static Path segmentPath(Path dir, long firstSequence) {
        return SegmentFiles.segmentPath(dir, firstSequence);
    }

    /**
     * First sequence encoded in a segment file name, or -1 if it is not a segment name.
     *
     * @param fileName a file name, without its directory
     * @return the first sequence, or -1
     */
    public static long firstSequenceOf(String fileName) {
        return SegmentFiles.firstSequenceOf(fileName);
    }

    /**
     * Offset of a segment's first frame (the header's length).
     *
     * @return the offset in bytes
     */
    public static long dataOffset() {
        return SegmentHeaderDescriptor.DATA_OFFSET;
    }

    /**
     * Bytes a frame with a {@code payloadLength}-byte payload takes in a segment, header and alignment included.
     *
     * @param payloadLength the record's length
     * @return the frame's length
     */
    public static long frameLength(int payloadLength) {
        return FrameDescriptor.frameLength(payloadLength);
    }
}
