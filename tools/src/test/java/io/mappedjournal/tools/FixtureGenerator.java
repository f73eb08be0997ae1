package io.mappedjournal.tools;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.format.FrameDescriptor;
import io.mappedjournal.manifest.ManifestDescriptor;
import io.mappedjournal.manifest.ManifestStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Generates the four checked-in fixture journals under {@code src/test/resources/fixtures/}
 * with the real journal API, then damages three of them on purpose. Run once, by hand:
 * <pre>
 * ./mvnw -B verify -pl :mapped-journal-tools -am -Djcstress.skip=true -Dtest=FixtureGenerator \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dmj.regenerate.fixtures=true
 * </pre>
 * then regenerate the golden files ({@link GoldenTest}) and review the differences. Each
 * fixture: {@link #RECORDS} records of 24..120 bytes ({@link #payload}), 64 KiB segments, so two
 * segments: a sealed one and an active one.
 * <ul>
 *   <li>{@code clean}: written and closed cleanly.</li>
 *   <li>{@code torn-tail}: a crash image: the files copied while the journal was open, after a
 *       flush, so the manifest's durable checkpoint for the active segment is its start (the last
 *       roll); then the second half of the last record's payload zeroed, as a write torn by the
 *       crash leaves it.</li>
 *   <li>{@code corrupt-middle}: closed cleanly, then one bit flipped in the payload of record
 *       {@link #CORRUPT_RECORD} in the active segment, before the durable checkpoint.</li>
 *   <li>{@code damaged-manifest}: closed cleanly, then 40 bytes of garbage written over the first
 *       entry of the newest manifest slot, so readers fall back to the previous generation.</li>
 * </ul>
 */
class FixtureGenerator {
    static final int RECORDS = 900;
    static final long CORRUPT_RECORD = 800;
    static final long SEGMENT_SIZE = 64 << 10;

    /** Record n's payload: {@link Payloads} of producer 0, 24 to 120 bytes. */
    static byte[] payload(long n) {
        return Payloads.of(0, n, size(n));
    }

    static int size(long n) {
        return 24 + (int) ((n * 37) % 97);
    }

    static JournalConfig config(Path dir) {
        return JournalConfig.builder(dir).segmentSize(SEGMENT_SIZE).maxRecordSize(1024).build();
    }

    @Test
    @EnabledIfSystemProperty(named = "mj.regenerate.fixtures", matches = "true")
    void regenerate(@TempDir Path work) throws Exception {
        final Path root = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/fixtures");
        Files.createDirectories(root);

        final Path clean = fresh(root.resolve("clean"));
        writeClosed(clean);

        final Path torn = fresh(root.resolve("torn-tail"));
        final Path live = work.resolve("live");
        try (Journal j = Journal.open(config(live))) {
            for (long n = 0; n < RECORDS; n++) {
                j.append(payload(n));
            }
            j.flush();
            copyJournalFiles(live, torn); // the crash image: taken while open
        }
        final long[] last = lastRecord(torn);
        final Path lastSegment = torn.resolve(segmentName(torn, last[0]));
        final int length = (int) last[2];
        final long from = FrameDescriptor.payloadOffset(last[1]) + length / 2;
        overwrite(lastSegment, from, new byte[length - length / 2]);

        final Path corrupt = fresh(root.resolve("corrupt-middle"));
        writeClosed(corrupt);
        final long[] at = recordAt(corrupt, CORRUPT_RECORD);
        final Path seg = corrupt.resolve(segmentName(corrupt, at[0]));
        final long byteAt = FrameDescriptor.payloadOffset(at[1]) + 3;
        final byte[] one = new byte[1];
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ)) {
            ch.read(ByteBuffer.wrap(one), byteAt);
        }
        one[0] ^= 0x01;
        overwrite(seg, byteAt, one);

        final Path manifest = fresh(root.resolve("damaged-manifest"));
        writeClosed(manifest);
        final long generation = ManifestStore.read(manifest).manifest.generation();
        final byte[] garbage = new byte[ManifestDescriptor.ENTRY_LENGTH];
        Arrays.fill(garbage, (byte) 0xA5);
        overwrite(manifest.resolve(ManifestDescriptor.slotName((int) (generation & 1))), ManifestDescriptor.ENTRIES_OFFSET,
                garbage);
    }

    private static Path fresh(Path dir) throws IOException {
        FsyncBenchmark.deleteTree(dir);
        Files.createDirectories(dir);
        return dir;
    }

    private static void writeClosed(Path dir) throws IOException, InterruptedException {
        try (Journal j = Journal.open(config(dir))) {
            for (long n = 0; n < RECORDS; n++) {
                j.append(payload(n));
            }
            j.flush();
        }
        Files.deleteIfExists(dir.resolve("journal.lock"));
    }

    /** Segments and manifest slots only: no lock file, no preallocated next segment. */
    private static void copyJournalFiles(Path from, Path to) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(from)) {
            for (Path p : s) {
                final String n = p.getFileName().toString();
                if (n.endsWith(".seg") || n.startsWith("manifest.")) {
                    Files.copy(p, to.resolve(n), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** {segment first sequence, frame offset, payload length} of the last record. */
    private static long[] lastRecord(Path dir) throws IOException {
        long[] last = null;
        try (JournalReader r = JournalReader.open(dir, 0)) {
            for (JournalRecord rec; (rec = r.next()) != null; ) {
                last = new long[]{firstSequenceOf(rec), rec.offset(), rec.length()};
            }
        }
        return last;
    }

    private static long[] recordAt(Path dir, long sequence) throws IOException {
        try (JournalReader r = JournalReader.open(dir, sequence)) {
            final JournalRecord rec = r.next();
            return new long[]{firstSequenceOf(rec), rec.offset(), rec.length()};
        }
    }

    private static long firstSequenceOf(JournalRecord rec) {
        return io.mappedjournal.segment.SegmentFiles.firstSequenceOf(rec.segment().getFileName().toString());
    }

    private static String segmentName(Path dir, long first) {
        return io.mappedjournal.segment.SegmentFiles.segmentName(first);
    }

    private static void overwrite(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            final ByteBuffer b = ByteBuffer.wrap(bytes);
            long at = offset;
            while (b.hasRemaining()) {
                at += ch.write(b, at);
            }
        }
    }
}
