package io.mappedjournal.crash;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.format.FrameDecoder;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.segment.SegmentFiles;
import net.openhft.chronicle.bytes.BytesStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Shared helpers of the crash, power-loss and corruption tests. */
public final class CrashTestSupport {
    /** Smallest segment the journal allows: keeps images small and rolls frequent. */
    public static final int SEGMENT = 64 << 10;

    private CrashTestSupport() {
    }

    /**
     * A test count: the system property if set, else the default times {@code -Djournal.soak}
     * (default 1), so one flag raises every crash and corruption count for a soak.
     */
    public static int count(String property, int defaultValue) {
        return Integer.getInteger(property, defaultValue * Math.max(1, Integer.getInteger("journal.soak", 1)));
    }

    // ------------------------------------------------------------------ payloads

    /** Payload length of record {@code seq} (single-writer journals: sequence = record index). */
    public static int size(long seq) {
        return 9 + (int) ((seq * 37) % 211);
    }

    /** Every byte of record {@code seq} is a function of seq: "r=<seq> " then filler. */
    public static byte[] payload(long seq) {
        final byte[] b = new byte[size(seq)];
        final byte[] prefix = ("r=" + seq + " ").getBytes(StandardCharsets.US_ASCII);
        final int p = Math.min(prefix.length, b.length);
        System.arraycopy(prefix, 0, b, 0, p);
        for (int i = p; i < b.length; i++) {
            b[i] = (byte) ((seq * 31 + i * 7) & 0x7f);
        }
        return b;
    }

    public static JournalConfig.Builder config(Path dir) {
        return JournalConfig.builder(dir).segmentSize(SEGMENT).maxRecordSize(4096).maxWriters(8)
                .stagingBufferSize(64 << 10).checkpointBytes(8 << 10);
    }

    /** Appends records {@code [from, to)} from this thread and waits until all are durable. */
    public static void appendDurably(Journal j, long from, long to) throws InterruptedException {
        long receipt = -1;
        for (long s = from; s < to; s++) {
            receipt = j.append(payload(s));
        }
        if (receipt >= 0) {
            assertTrue(j.awaitDurable(receipt, 30, TimeUnit.SECONDS));
        }
    }

    /** Builds a closed journal of {@code records} records in {@code dir}. */
    public static void build(Path dir, int records) throws Exception {
        try (Journal j = Journal.open(config(dir).syncPolicy(SyncPolicy.none()).build())) {
            appendDurably(j, 0, records);
        }
    }

    // ------------------------------------------------------------------ reading back

    /** What reading a journal back found. */
    public static final class ReadBack {
        public final List<Long> sequences = new ArrayList<>();
        public CorruptJournalException error;

        public long count() {
            return sequences.size();
        }

        /** True if the sequences are exactly 0, 1, ..., n-1. */
        public boolean isPrefix() {
            for (int i = 0; i < sequences.size(); i++) {
                if (sequences.get(i) != i) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Reads every record of a closed journal and checks each one's content byte for byte against
     * {@link #payload}: a record with wrong content fails the test (that would be a corrupt frame
     * handed back as data). A CorruptJournalException from the reader is returned, not thrown.
     */
    public static ReadBack readAll(Path dir) throws IOException {
        final ReadBack r = new ReadBack();
        try (JournalReader reader = JournalReader.open(dir, 0)) {
            long last = -1;
            for (JournalRecord rec; (rec = reader.next()) != null; ) {
                final long seq = rec.sequence();
                final long previous = last;
                final JournalRecord record = rec;
                assertTrue(seq > last, () -> "sequences must increase: " + previous + " then " + seq);
                assertArrayEquals(payload(seq), rec.payload(), () -> "content of record " + seq + " in " + record);
                r.sequences.add(seq);
                last = seq;
            }
        } catch (CorruptJournalException e) {
            r.error = e;
        }
        return r;
    }

    /** Opens in {@code mode}, checks that the journal continues at the reported sequence, closes. */
    public static void appendAfterRecovery(Path dir, RecoveryMode mode) throws Exception {
        try (Journal j = Journal.open(config(dir).recoveryMode(mode).build())) {
            final long next = j.recoveryReport().nextSequence();
            final long r = j.append(payload(next));
            assertTrue(j.awaitDurable(r, 30, TimeUnit.SECONDS));
            assertEquals(next + 1, j.durableSequence());
        }
    }

    // ------------------------------------------------------------------ images

    /** A journal directory's files in memory: copy, damage, write out, open. */
    public static final class Image {
        public final TreeMap<String, byte[]> files = new TreeMap<>();

        public static Image of(Path dir) throws IOException {
            final Image img = new Image();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                for (Path p : s) {
                    final String name = p.getFileName().toString();
                    if (Files.isRegularFile(p) && !name.equals(SegmentFiles.LOCK_FILE)) {
                        img.files.put(name, Files.readAllBytes(p));
                    }
                }
            }
            return img;
        }

        public Image copy() {
            final Image c = new Image();
            files.forEach((k, v) -> c.files.put(k, v.clone()));
            return c;
        }

        /** Replaces {@code dir}'s contents with this image. */
        public void writeTo(Path dir) throws IOException {
            clear(dir);
            Files.createDirectories(dir);
            for (var e : files.entrySet()) {
                Files.write(dir.resolve(e.getKey()), e.getValue());
            }
        }

        public List<String> segmentNames() {
            final List<String> names = new ArrayList<>();
            for (String n : files.keySet()) {
                if (SegmentFiles.firstSequenceOf(n) >= 0) {
                    names.add(n);
                }
            }
            return names;
        }

        public long totalBytes() {
            return files.values().stream().mapToLong(b -> b.length).sum();
        }
    }

    public static void clear(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The frame layout of one segment image: which bytes the journal's checks cover. */
    public static final class Layout {
        /** Per byte: true if a change to it must be detected (header, frame header+payload, seal, active tail). */
        public final boolean[] covered;
        /** Offset of each frame and the sequence it carries. */
        public final List<long[]> frames = new ArrayList<>();
        public final long dataEnd;
        public final boolean sealed;

        public Layout(byte[] segment, boolean active) {
            covered = new boolean[segment.length];
            Arrays.fill(covered, 0, SegmentHeaderDescriptor.HEADER_LENGTH, true);
            final BytesStore<?, ?> store = BytesStore.wrap(segment);
            final FrameDecoder d = new FrameDecoder();
            long off = SegmentHeaderDescriptor.DATA_OFFSET;
            boolean seal = false;
            while (true) {
                final int st = d.decode(store, off, segment.length, -1);
                if (st == FrameDecoder.VALID) {
                    frames.add(new long[]{off, d.sequence()});
                    Arrays.fill(covered, (int) off, (int) (off + FrameDescriptor.HEADER_LENGTH + d.length()), true);
                    off += d.frameLength();
                } else if (st == FrameDecoder.SEALED) {
                    Arrays.fill(covered, (int) off, (int) off + 4, true);
                    seal = true;
                    break;
                } else {
                    break;
                }
            }
            dataEnd = off;
            sealed = seal;
            if (active) {
                // a change after the end of data in the active segment is seen as a torn tail
                Arrays.fill(covered, (int) off, segment.length, true);
            }
        }

        /** Sequences of the frames lying wholly before {@code offset}. */
        public int framesBefore(long offset) {
            int n = 0;
            for (long[] f : frames) {
                final long end = f[0] + FrameDescriptor.HEADER_LENGTH + payloadLengthAt(f);
                if (end <= offset) {
                    n++;
                }
            }
            return n;
        }

        private static int payloadLengthAt(long[] frame) {
            return size(frame[1]);
        }
    }
}
