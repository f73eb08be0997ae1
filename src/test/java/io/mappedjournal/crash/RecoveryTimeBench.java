package io.mappedjournal.crash;

import io.mappedjournal.ChildJvm;
import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.RecoveryReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Recovery time against journal size (docs/RELIABILITY.md). Not part of the default run:
 * {@code ./mvnw -q -B -f journal.xml test -Dtest=RecoveryTimeBench -Djournal.bench.recovery=1,4}
 * (sizes in GiB; needs that much free disk under {@code -Djournal.bench.dir}, default the temp dir).
 *
 * <p>For each size a child JVM appends 64 KiB records with {@code SyncPolicy.none()} until the
 * journal holds that many GiB of 64 MiB segments, the last one holding 1,000 records (62.5 MiB),
 * then halts without closing (a crash: the manifest's checkpoint for the active segment is where
 * the last roll left it, so the whole active segment is data written since the checkpoint). This JVM then times {@code Journal.open} in each recovery mode (first in a
 * fresh copy of the crashed state each time, so every open really recovers).
 */
@EnabledIfSystemProperty(named = "journal.bench.recovery", matches = ".+")
class RecoveryTimeBench {
    static final int RECORD = 64 << 10;

    /** Records per 64 MiB segment: (64 MiB - 64) / (64 KiB + 16). */
    static final int PER_SEGMENT = 1023;
    /** Records in the active segment at the crash: nearly full, the worst case for the default mode. */
    static final int IN_ACTIVE = 1000;

    /** Child: appends {@code records} records to {@code dir}, then halts without closing. */
    public static void main(String[] args) throws Exception {
        final Path dir = Path.of(args[0]);
        final long records = Long.parseLong(args[1]);
        final Journal j = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).maxRecordSize(RECORD)
                .stagingBufferSize(1 << 20).build());
        final byte[] payload = new byte[RECORD];
        for (long n = 0; n < records; n++) {
            payload[0] = (byte) n;
            j.append(payload);
        }
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (j.writtenSequence() < records && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(500); // let the last roll's background seal (and its manifest) finish
        System.out.println("written " + j.writtenSequence());
        System.out.flush();
        Runtime.getRuntime().halt(0); // crash: no close, no final sync, no clean manifest
    }

    @Test
    void recoveryTimeDoesNotDependOnJournalSize() throws Exception {
        final Path base = Path.of(System.getProperty("journal.bench.dir", System.getProperty("java.io.tmpdir")));
        // warm the code paths on a small journal first, so the numbers are not class loading
        final Path warm = Files.createTempDirectory(base, "bench-warm-");
        CrashTestSupport.build(warm, 2000);
        for (int i = 0; i < 3; i++) {
            try (Journal j = Journal.open(CrashTestSupport.config(warm).build())) {
                assertTrue(j.recoveryReport().nextSequence() >= 2000);
            }
        }
        CrashTestSupport.clear(warm);
        Files.delete(warm);
        for (String size : System.getProperty("journal.bench.recovery").split(",")) {
            // N GiB of 64 MiB segments, the last one holding IN_ACTIVE unsynced records
            final long segments = Math.round(Double.parseDouble(size) * 16);
            final long records = (segments - 1) * PER_SEGMENT + IN_ACTIVE;
            final Path dir = Files.createTempDirectory(base, "bench-" + size + "g-");
            try {
                final long t0 = System.nanoTime();
                final Process p = ChildJvm.start(RecoveryTimeBench.class, null, dir.toString(), Long.toString(records));
                final String out = new String(p.getInputStream().readAllBytes()).trim();
                assertTrue(p.waitFor(20, TimeUnit.MINUTES));
                final double buildSeconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("recovery bench: %s GiB journal built in %.1f s (%s), %d segment files%n", size,
                        buildSeconds, out, io.mappedjournal.segment.SegmentFiles.listSegments(dir).length);
                // keep the crashed state: copy the manifest slots and the active segment, restore before each open
                final Path keep = Files.createTempDirectory(base, "bench-keep-");
                final long[] segs = io.mappedjournal.segment.SegmentFiles.listSegments(dir);
                final String active = io.mappedjournal.segment.SegmentFiles.segmentName(segs[segs.length - 1]);
                for (String f : new String[]{"manifest.0", "manifest.1", active}) {
                    if (Files.exists(dir.resolve(f))) {
                        Files.copy(dir.resolve(f), keep.resolve(f));
                    }
                }
                final List<RecoveryMode> modes = new ArrayList<>(List.of(RecoveryMode.TOLERATE_TAIL,
                        RecoveryMode.TOLERATE_TAIL, RecoveryMode.TOLERATE_TAIL));
                modes.addAll(List.of(RecoveryMode.POINT_IN_TIME, RecoveryMode.SKIP_CORRUPTED, RecoveryMode.ABSOLUTE));
                for (RecoveryMode mode : modes) {
                    restore(keep, dir);
                    final long s = System.nanoTime();
                    final RecoveryReport r;
                    try (Journal j = Journal.open(JournalConfig.builder(dir).recoveryMode(mode).maxRecordSize(RECORD)
                            .stagingBufferSize(1 << 20).build())) {
                        r = j.recoveryReport();
                    }
                    final double openMs = (System.nanoTime() - s) / 1e6;
                    System.out.printf("recovery bench: %s GiB %-14s open+close %8.1f ms  scan %8.1f ms  segments_checked %3d"
                                    + "  frames %7d  bytes_truncated %d%n", size, mode.cliName(), openMs,
                            r.durationNanos() / 1e6, r.segmentsChecked(), r.framesRecovered(), r.bytesTruncated());
                }
                CrashTestSupport.clear(keep);
                Files.delete(keep);
            } finally {
                CrashTestSupport.clear(dir);
                Files.delete(dir);
            }
        }
    }

    private static void restore(Path keep, Path dir) throws Exception {
        try (var files = Files.list(keep)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        // a new active segment may have been created by a previous open: remove what the crash did not leave
        try (var files = Files.list(dir)) {
            final long[] segs = io.mappedjournal.segment.SegmentFiles.listSegments(dir);
            for (Path f : files.toList()) {
                final String n = f.getFileName().toString();
                if (n.endsWith(".prealloc")) {
                    Files.delete(f);
                }
            }
            assertTrue(segs.length > 0);
        }
    }
}
