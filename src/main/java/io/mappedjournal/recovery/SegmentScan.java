package io.mappedjournal.recovery;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.format.FrameDecoder;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.recovery.RecoveryRules.Action;
import io.mappedjournal.recovery.RecoveryRules.Damage;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentFiles;
import net.openhft.chronicle.bytes.BytesStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Scans one segment from its first frame with the shared {@link FrameDecoder} (and its one
 * resynchronisation rule), for {@link RecoveryScan}: finds where its valid frames end, names each
 * kind of damage to {@link ScanState#found} and plans the repairs the mode's answer calls for.
 * Confined to the scanning thread.
 */
final class SegmentScan {
    /**
     * What scanning one segment gave.
     *
     * @param entry       the segment's entry after repair, or null if the segment is unusable as a whole
     * @param stopJournal the journal ends in this segment; later ones are set aside
     */
    record Outcome(Manifest.Entry entry, boolean stopJournal) {
    }

    /** A segment's header and its file's length, as {@link #checkHeader} read them. */
    private record CheckedHeader(SegmentHeader header, long fileLength) {
    }

    private final ScanState state;
    private final FrameDecoder decoder = new FrameDecoder();

    SegmentScan(ScanState state) {
        this.state = state;
    }

    /**
     * Scans one segment from its first frame. {@code e.validLength} is the durable checkpoint for
     * an active segment: frames before it were synced. A sealed segment is synced throughout.
     */
    Outcome scan(Path path, Manifest.Entry e, boolean isLast, long nextFirst, boolean nextAdopted) throws IOException {
        // Followed only by a segment a roll activated before the crash: this segment's tail
        // after its checkpoint may be torn like the last one's (the roll may not have made its
        // seal durable yet, e.g. when the seal's sync ran in the background).
        final boolean tailMayBeTorn = isLast || nextAdopted;
        state.segmentsChecked++;
        final CheckedHeader checked = checkHeader(path, e);
        if (checked == null) {
            return new Outcome(null, true);
        }
        final SegmentHeader header = checked.header();
        final long fileLength = checked.fileLength();
        state.maxIndex = Math.max(state.maxIndex, header.segmentIndex);
        final boolean truncated = fileLength < header.segmentLength;
        if (fileLength != header.segmentLength) {
            // checkHeader named the damage; the plan restores the length
            state.step(new RecoveryPlan.Resize(path, header.segmentLength));
        }
        final long limit = Math.min(fileLength, header.segmentLength);
        try (Segment segment = Segment.openPrefix(path, limit, header)) {
            final BytesStore<?, ?> store = segment.store();
            final long checkpoint = e.sealed ? header.segmentLength : e.validLength;
            long offset = SegmentHeaderDescriptor.DATA_OFFSET;
            long expected = e.firstSequence;
            boolean sealed = false;
            boolean stop = false;
            boolean afterSkip = false;
            while (true) {
                int status = decoder.decode(store, offset, limit, afterSkip ? -1 : expected);
                if (status == FrameDecoder.VALID && nextFirst >= 0 && decoder.sequence() >= nextFirst) {
                    // a segment's records all lie below the next segment's first sequence
                    status = FrameDecoder.BAD_SEQUENCE;
                }
                if (status == FrameDecoder.VALID && afterSkip) {
                    // records lost under a skip frame: the next one may carry any later sequence
                    if (decoder.sequence() < expected) {
                        status = FrameDecoder.BAD_SEQUENCE;
                    } else {
                        expected = decoder.sequence();
                    }
                }
                if (status == FrameDecoder.VALID) {
                    state.framesRecovered++;
                    expected = decoder.sequence() + 1;
                    offset += decoder.frameLength();
                    afterSkip = false;
                    continue;
                }
                if (status == FrameDecoder.SKIP) {
                    offset += decoder.frameLength();
                    afterSkip = true;
                    continue;
                }
                if (status == FrameDecoder.SEALED) {
                    sealed = true;
                    break;
                }
                final String reason;
                if (status == FrameDecoder.SEGMENT_END && !truncated) {
                    // full to the last byte: a roll needs no marker there; otherwise the data ends
                    sealed = offset == limit;
                    break;
                } else if (status == FrameDecoder.SEGMENT_END) {
                    reason = "file ends at " + fileLength + " (truncated)";
                } else if (status == FrameDecoder.END) {
                    if (offset >= checkpoint) {
                        break;
                    }
                    reason = "end of data";
                } else {
                    reason = FrameDecoder.describe(status) + describeBad(status, expected);
                }
                // A bad frame (or data missing) at offset.
                final boolean beforeCheckpoint = offset < checkpoint;
                final String where = beforeCheckpoint
                        ? " before the durable checkpoint at " + (e.sealed ? "the seal" : Long.toString(checkpoint))
                        : " after the durable checkpoint at " + checkpoint + " (torn tail)";
                final Damage damage = beforeCheckpoint || !tailMayBeTorn ? Damage.ACKNOWLEDGED_FRAME : Damage.TORN_TAIL;
                if (state.rule(damage) == Action.SKIP_FRAME) {
                    final long ownLength = status == FrameDecoder.BAD_CRC || status == FrameDecoder.BAD_SEQUENCE
                            ? decoder.frameLength() : 0;
                    final long resume = FrameDecoder.resync(store, offset, ownLength, limit, expected,
                            nextFirst >= 0 ? nextFirst - 1 : Long.MAX_VALUE);
                    if (resume < 0) {
                        state.found(damage, path, offset, reason + where + "; nothing valid after it");
                        break;
                    }
                    state.found(damage, path, offset, reason + where + "; skipped " + (resume - offset) + " bytes");
                    state.step(new RecoveryPlan.SkipRange(path, offset, resume - offset));
                    state.bytesSkipped += resume - offset;
                    offset = resume;
                    expected = Math.max(expected, store.readLong(FrameDescriptor.sequenceOffset(resume)));
                    continue;
                }
                // refused, cut (the prefix is kept), or a torn tail truncated
                final boolean tornTail = state.rule(damage) == Action.CONTINUE;
                final Action action = state.found(damage, path, offset,
                        reason + where + (tornTail || isLast ? "" : " in a segment followed by another"));
                stop = action == Action.CUT;
                break;
            }
            if (!sealed) {
                long end = RecoveryScan.lastNonZero(store, offset, limit);
                if (truncated && fileLength > offset) {
                    // the bytes past the mapped (8-aligned) prefix are not seen: zero them all
                    end = Math.max(end, FrameDescriptor.align(fileLength));
                }
                if (end > offset) {
                    state.found(Damage.STRAY_BYTES, path, offset, "non-zero bytes after the last valid frame, up to "
                            + end + " (an incomplete frame: torn tail)");
                    state.bytesTruncated += end - offset;
                    state.step(new RecoveryPlan.ZeroRange(path, offset, end));
                }
            }
            if (!isLast && !sealed && !stop && nextAdopted) {
                // The roll to the next segment never became durable (no seal marker here): nothing
                // in the next segment can have been acknowledged, so the roll is undone.
                state.found(Damage.ROLL_NOT_DURABLE, path, offset, "no durable seal marker: the roll to "
                        + SegmentFiles.segmentName(nextFirst) + " did not complete before the crash; this segment continues");
                stop = true;
            }
            if (!isLast && !sealed && !stop) {
                final Action action = state.found(Damage.NOT_SEALED_BUT_FOLLOWED, path, offset,
                        "segment not sealed but followed by another segment (" + SegmentFiles.segmentName(nextFirst) + ")");
                if (action == Action.CUT) {
                    stop = true;
                } else { // SEAL: seal the salvaged segment where its frames end
                    if (offset + 4 <= header.segmentLength) {
                        state.step(new RecoveryPlan.Seal(path, offset));
                    }
                    sealed = true;
                }
            }
            if (offset > SegmentHeaderDescriptor.DATA_OFFSET && !e.sealed) {
                // (a segment the manifest records as sealed was synced to its seal before that)
                state.step(new RecoveryPlan.SyncValid(path, offset));
            }
            final boolean nowSealed = sealed && !stop;
            return new Outcome(new Manifest.Entry(e.firstSequence, expected, header.segmentIndex, offset, nowSealed), stop);
        }
    }

    /**
     * Reads {@code path}'s header and checks it against the manifest's entry, naming any damage: a
     * missing or unreadable file, another first sequence, a length other than the header's.
     *
     * @return the header and the file's length, or null if the segment is unusable (missing,
     *         unreadable, or another segment's file)
     */
    private CheckedHeader checkHeader(Path path, Manifest.Entry e) throws IOException {
        final SegmentHeader header;
        final long fileLength;
        try {
            header = Segment.readHeader(path);
            fileLength = Files.size(path);
        } catch (CorruptJournalException | NoSuchFileException ex) {
            if (ex instanceof NoSuchFileException) {
                state.found(Damage.SEGMENT_MISSING, path, 0, "segment file missing");
            } else {
                state.found(Damage.HEADER_DAMAGED, path, 0, ex.getMessage());
            }
            return null;
        }
        if (header.firstSequence != e.firstSequence) {
            state.found(Damage.HEADER_DAMAGED, path, 0, "header first sequence " + header.firstSequence
                    + " differs from the manifest's " + e.firstSequence);
            return null;
        }
        if (fileLength != header.segmentLength) {
            state.found(Damage.LENGTH_DIFFERS, path, Math.min(fileLength, header.segmentLength),
                    "segment file length differs from its header: expected=" + header.segmentLength
                            + " actual=" + fileLength);
        }
        return new CheckedHeader(header, fileLength);
    }

    private String describeBad(int status, long expected) {
        switch (status) {
            case FrameDecoder.BAD_CRC:
                return ": expected=0x" + Integer.toHexString(decoder.storedCrc()) + " actual=0x"
                        + Integer.toHexString(decoder.actualCrc());
            case FrameDecoder.BAD_SEQUENCE:
                return ": expected=" + expected + " actual=" + decoder.sequence();
            case FrameDecoder.BAD_LENGTH:
                return ": length=" + decoder.length();
            default:
                return "";
        }
    }
}
