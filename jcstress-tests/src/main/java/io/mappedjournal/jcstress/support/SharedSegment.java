package io.mappedjournal.jcstress.support;

import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.segment.Segment;
import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One production {@link Segment} (a real mapped file, prepared with fallocate and activated with
 * its header) per test VM, cut into slices so that each jcstress state gets its own frame area
 * without mapping a file of its own: jcstress creates states by the thousand, a mapping per
 * state would dominate the run. A slice is reused only after the allocator has gone round the
 * whole segment (16 MiB / 256 B = 65536 states later), long after the state that had it is done.
 *
 * <p>The directory is under {@link TestDirs}'s base and is
 * deleted when the VM exits.
 */
public final class SharedSegment {
    public static final long LENGTH = 16L << 20;
    public static final int SLICE = 256;

    private static volatile SharedSegment instance;

    public final Path dir;
    public final Segment segment;
    private final AtomicLong next = new AtomicLong();

    private SharedSegment() throws IOException {
        final Path base = TestDirs.base0();
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "mj-jcstress-shared-");
        segment = Segment.prepare(dir, 0, LENGTH, PosixAPI.posix());
        segment.activate(new SegmentHeader(0, 0, LENGTH, System.currentTimeMillis()), (s, from, to) -> { });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            segment.close();
            deleteTree(dir);
        }));
    }

    public static SharedSegment get() {
        SharedSegment s = instance;
        if (s == null) {
            synchronized (SharedSegment.class) {
                s = instance;
                if (s == null) {
                    try {
                        instance = s = new SharedSegment();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return s;
    }

    /** Offset of a fresh zeroed slice of {@link #SLICE} bytes in the data area. */
    public long slice() {
        final long slots = (LENGTH - SegmentHeaderDescriptor.DATA_OFFSET) / SLICE - 1;
        final long offset = SegmentHeaderDescriptor.DATA_OFFSET + (next.getAndIncrement() % slots) * SLICE;
        segment.store().zeroOut(offset, offset + SLICE);
        return offset;
    }

    public static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort at exit
                }
            });
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
