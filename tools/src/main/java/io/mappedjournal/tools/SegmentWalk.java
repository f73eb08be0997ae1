package io.mappedjournal.tools;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.inspect.FrameCursor;
import io.mappedjournal.inspect.FrameStatus;
import io.mappedjournal.inspect.JournalFiles;
import io.mappedjournal.inspect.ManifestInfo;
import io.mappedjournal.inspect.Manifests;
import io.mappedjournal.inspect.SegmentEntry;
import io.mappedjournal.inspect.SegmentHeaderInfo;
import io.mappedjournal.inspect.SegmentReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Walks every frame of every segment file in a journal directory, read-only, with the journal's
 * decoder ({@link FrameCursor}, {@link FrameStatus} codes): it never stops at the first bad frame.
 * After a bad frame it resumes where {@link FrameCursor#resync} says, the rule recovery's skip-corrupted mode uses,
 * so the tools and the library agree on boundaries and on what is unreadable; every anomaly is
 * reported with its segment, offset and reason, and every readable record is seen.
 */
final class SegmentWalk {
    /** What the walk found in one segment file. */
    static final class SegmentResult {
        final Path path;
        final String name;
        final long nameSequence;
        long fileLength;
        /** Null when the header is unreadable ({@link #headerProblem} says why). */
        SegmentHeaderInfo header;
        String headerProblem;
        long records;
        long payloadBytes;
        long firstSequence = -1;
        long lastSequence = -1;
        /** Where the frames end: after the last valid (or skipped) frame, or at the first unrecoverable bad one. */
        long endOffset;
        /** The sequence expected after the last valid frame. */
        long nextSequence;
        boolean sealed;
        long skipFrames;
        long badFrames;
        /** Sequence expected at {@link #probeOffset} if the walk passed that frame boundary, else -1. */
        long sequenceAtProbe = -1;
        long probeOffset = -1;
        boolean stoppedEarly;

        SegmentResult(Path path) {
            this.path = path;
            this.name = path.getFileName().toString();
            this.nameSequence = JournalFiles.firstSequenceOf(name);
        }
    }

    /** Callbacks; every method has a no-op default. */
    interface Listener {
        /** A frame with a valid CRC. Return false to stop the walk. */
        default boolean frame(SegmentResult segment, long offset, FrameCursor frame) {
            return true;
        }

        /** A frame whose CRC does not match; its fields are as stored. Return false to stop the walk. */
        default boolean badCrcFrame(SegmentResult segment, long offset, FrameCursor frame) {
            return true;
        }

        /** Something wrong: {@code offset} is -1 for the whole file. */
        default void anomaly(String file, long offset, String reason) {
        }

        /** Something worth knowing that is not wrong (e.g. a skip frame written by an earlier recovery). */
        default void note(String file, long offset, String text) {
        }

        /** Bytes of segment files walked so far, of {@link SegmentWalk#totalBytes()}. */
        default void progress(long bytesDone) {
        }
    }

    private static final long PROGRESS_STEP = 1 << 20;

    private final Path dir;
    private final long[] files;
    private final long totalBytes;
    /** First sequences of the manifest's segments (null without a valid manifest): bounds for resync. */
    private final long[] manifestFirsts;

    SegmentWalk(Path dir) throws IOException {
        this.dir = dir;
        this.files = JournalFiles.listSegments(dir);
        final ManifestInfo manifest = Manifests.read(dir);
        this.manifestFirsts = manifest == null ? null
                : manifest.segments().stream().mapToLong(SegmentEntry::firstSequence).toArray();
        long total = 0;
        for (long f : files) {
            total += Files.size(JournalFiles.segmentPath(dir, f));
        }
        this.totalBytes = total;
    }

    long[] files() {
        return files.clone();
    }

    long totalBytes() {
        return totalBytes;
    }

    /**
     * Walks the segments in file-name order, starting with the one that holds {@code fromSequence}
     * (0 for all).
     *
     * @param checkpoints manifest entries by first sequence (to place anomalies before or after
     *                    the durable checkpoint), or null when there is no valid manifest
     */
    List<SegmentResult> walk(long fromSequence, Map<Long, SegmentEntry> checkpoints, Listener listener)
            throws IOException {
        int start = 0;
        for (int i = 0; i < files.length; i++) {
            if (files[i] <= fromSequence) {
                start = i;
            }
        }
        final List<SegmentResult> results = new ArrayList<>();
        long done = 0;
        for (int i = 0; i < start; i++) {
            done += Files.size(JournalFiles.segmentPath(dir, files[i]));
        }
        SegmentResult previous = null;
        for (int i = start; i < files.length; i++) {
            final Path path = JournalFiles.segmentPath(dir, files[i]);
            final SegmentEntry entry = checkpoints == null ? null : checkpoints.get(files[i]);
            final long maxSequence = nextFirst(files[i], i) - 1;
            final SegmentResult r = walkOne(path, entry, i == files.length - 1, maxSequence, done, listener);
            if (previous != null && previous.header != null && r.header != null && !previous.stoppedEarly) {
                if (r.header.segmentIndex() != previous.header.segmentIndex() + 1) {
                    listener.anomaly(r.name, 0, "segment index " + r.header.segmentIndex() + " does not follow "
                            + previous.name + "'s index " + previous.header.segmentIndex());
                }
                if (r.header.firstSequence() != previous.nextSequence) {
                    listener.anomaly(r.name, 0, "first sequence " + r.header.firstSequence() + " does not follow "
                            + previous.name + ", whose frames end before sequence " + previous.nextSequence);
                }
            }
            results.add(r);
            done += r.fileLength;
            listener.progress(done);
            if (r.stoppedEarly) {
                break;
            }
            previous = r;
        }
        return results;
    }

    /**
     * First sequence of the segment after {@code files[i]}, as recovery sees it: the manifest's
     * next entry when there is a manifest (a stray file is not part of the journal), else the
     * next file; {@code Long.MAX_VALUE} for the last.
     */
    private long nextFirst(long first, int i) {
        if (manifestFirsts != null) {
            long next = Long.MAX_VALUE;
            for (long f : manifestFirsts) {
                if (f > first && f < next) {
                    next = f;
                }
            }
            return next;
        }
        return i + 1 < files.length ? files[i + 1] : Long.MAX_VALUE;
    }

    private SegmentResult walkOne(Path path, SegmentEntry entry, boolean last, long maxSequence, long doneBefore,
                                  Listener listener)
            throws IOException {
        final SegmentResult r = new SegmentResult(path);
        r.fileLength = Files.size(path);
        final SegmentReader segment;
        try {
            segment = SegmentReader.open(path);
        } catch (CorruptJournalException e) {
            r.headerProblem = e.getMessage().replace("path=" + path + ": ", "").replace(" path=" + path, "");
            listener.anomaly(r.name, 0, r.headerProblem + " (segment not readable; its frames are not checked)");
            return r;
        }
        try (segment) {
            r.header = segment.header();
            if (r.header.firstSequence() != r.nameSequence) {
                listener.anomaly(r.name, 0, "header first sequence " + r.header.firstSequence()
                        + " differs from the file name's " + r.nameSequence);
            }
            final long checkpoint = entry == null ? -1 : entry.validLength();
            r.probeOffset = checkpoint;
            final FrameCursor decoder = segment.cursor();
            final FrameCursor probe = segment.cursor();
            final long limit = segment.length();
            long offset = JournalFiles.dataOffset();
            long expected = r.header.firstSequence();
            boolean afterSkip = false;
            boolean unrecoverable = false;
            long nextProgress = PROGRESS_STEP;
            while (true) {
                if (offset == r.probeOffset) {
                    r.sequenceAtProbe = expected;
                }
                if (offset >= nextProgress) {
                    listener.progress(doneBefore + offset);
                    nextProgress = offset + PROGRESS_STEP;
                }
                final FrameStatus status = decoder.decode(offset, -1);
                if (status == FrameStatus.VALID) {
                    final long seq = decoder.sequence();
                    if (seq != expected) {
                        if (afterSkip && seq > expected) {
                            listener.note(r.name, offset, "records " + range(expected, seq - 1)
                                    + " are missing after a skip frame (lost to damage an earlier skip-corrupted recovery stepped over)");
                        } else {
                            listener.anomaly(r.name, offset, "unexpected sequence: expected=" + expected + " actual=" + seq);
                        }
                    }
                    afterSkip = false;
                    r.records++;
                    r.payloadBytes += decoder.length();
                    if (r.firstSequence < 0) {
                        r.firstSequence = seq;
                    }
                    r.lastSequence = seq;
                    expected = seq + 1;
                    if (!listener.frame(r, offset, decoder)) {
                        r.stoppedEarly = true;
                        offset += decoder.frameLength();
                        break;
                    }
                    offset += decoder.frameLength();
                    continue;
                }
                if (status == FrameStatus.SKIP) {
                    r.skipFrames++;
                    listener.note(r.name, offset, "skip frame over " + decoder.frameLength()
                            + " bytes (written by an earlier skip-corrupted recovery over damaged bytes)");
                    offset += decoder.frameLength();
                    afterSkip = true;
                    continue;
                }
                if (status == FrameStatus.SEALED) {
                    r.sealed = true;
                    break;
                }
                if (status == FrameStatus.END || status == FrameStatus.SEGMENT_END) {
                    break;
                }
                // A bad frame (BAD_LENGTH or BAD_CRC; BAD_SEQUENCE cannot happen with expected=-1).
                r.badFrames++;
                final StringBuilder reason = new StringBuilder();
                long ownLength = 0;
                if (status == FrameStatus.BAD_CRC) {
                    ownLength = decoder.frameLength();
                    reason.append("CRC mismatch: stored=").append(String.format("0x%08x", decoder.storedCrc()))
                            .append(" computed=").append(String.format("0x%08x", decoder.actualCrc()))
                            .append(" (length=").append(decoder.length()).append(" sequence=").append(decoder.sequence())
                            .append(')');
                    if (!listener.badCrcFrame(r, offset, decoder)) {
                        r.stoppedEarly = true;
                    }
                } else {
                    reason.append("bad length: length=").append(decoder.length()).append(" at offset ").append(offset)
                            .append(" runs past the segment's end at ").append(limit);
                }
                final long next = decoder.resync(offset, ownLength, expected, maxSequence);
                if (next < 0) {
                    final long nonZero = segment.lastNonZero(offset);
                    reason.append("; nothing valid after it (").append(nonZero - offset)
                            .append(" bytes up to offset ").append(nonZero).append(')');
                    unrecoverable = true;
                } else {
                    final FrameStatus st = probe.decode(next, -1);
                    reason.append("; next frame at offset ").append(next);
                    if (st == FrameStatus.VALID) {
                        reason.append(" (sequence ").append(probe.sequence()).append(')');
                        if (probe.sequence() > expected + 1) {
                            reason.append(", records ").append(range(expected, probe.sequence() - 1)).append(" unreadable");
                        }
                        expected = probe.sequence();
                    } else {
                        expected++;
                    }
                }
                reason.append(where(offset, checkpoint, last && unrecoverable, entry));
                listener.anomaly(r.name, offset, reason.toString());
                if (unrecoverable || r.stoppedEarly) {
                    break;
                }
                offset = next;
            }
            r.endOffset = offset;
            r.nextSequence = expected;
            if (!r.sealed && !unrecoverable && !r.stoppedEarly) {
                final long nonZero = segment.lastNonZero(offset);
                if (nonZero > offset) {
                    listener.anomaly(r.name, offset, (nonZero - offset) + " non-zero bytes after the last frame, up to offset "
                            + nonZero + " (a torn write or stray data)" + where(offset, checkpoint, last, entry));
                }
            }
            listener.progress(doneBefore + r.fileLength);
            return r;
        }
    }

    /** Places a damaged offset relative to the segment's durable checkpoint, for the operator. */
    private static String where(long offset, long checkpoint, boolean tail, SegmentEntry entry) {
        if (entry == null) {
            return "";
        }
        if (entry.sealed()) {
            return " (in a sealed segment: acknowledged data)";
        }
        if (offset < checkpoint) {
            return " (before the durable checkpoint at offset " + checkpoint + ": acknowledged data)";
        }
        return " (after the durable checkpoint at offset " + checkpoint
                + (tail ? ": a torn tail from a crash; 'recover' truncates it)" : ")");
    }

    static String range(long from, long to) {
        return from == to ? Long.toString(from) : from + ".." + to;
    }
}
