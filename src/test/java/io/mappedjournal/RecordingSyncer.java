package io.mappedjournal;

import io.mappedjournal.master.Master;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.MsyncSyncer;
import io.mappedjournal.segment.Segment;
import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test seam for syncs: performs the real msync, then records how far each segment file has
 * been synced. Can hold syncs behind a gate (to keep the master busy) and fail the n-th call.
 */
final class RecordingSyncer implements FileSyncer {
    private final MsyncSyncer real = new MsyncSyncer(PosixAPI.posix());
    private final Map<String, Long> syncedTo = new ConcurrentHashMap<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile CountDownLatch gate;
    volatile int failOnCall = -1;
    volatile long delayNanos;
    /** The threads waiting at the gate now. */
    private final Set<Thread> atGate = ConcurrentHashMap.newKeySet();

    @Override
    public void sync(Segment segment, long fromOffset, long toOffset) throws IOException {
        final int call = calls.incrementAndGet();
        final CountDownLatch g = gate;
        if (g != null) {
            atGate.add(Thread.currentThread());
            try {
                if (!g.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("test gate never opened");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            } finally {
                atGate.remove(Thread.currentThread());
            }
        }
        if (call == failOnCall) {
            throw new IOException("injected msync failure: call=" + call + " path=" + segment.path());
        }
        if (delayNanos > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(delayNanos);
        }
        real.sync(segment, fromOffset, toOffset);
        // Segments are renamed once when activated; key by the final file name.
        syncedTo.merge(segment.path().getFileName().toString(), toOffset, Math::max);
    }

    /**
     * Whether the master thread itself is held at the gate (a policy sync runs on the sealer
     * thread; a flush or a waiting caller makes the master sync inline).
     */
    boolean masterHeld() {
        for (Thread t : atGate) {
            if (t.getName().startsWith(Master.THREAD_NAME_PREFIX)) {
                return true;
            }
        }
        return false;
    }

    /** How far the segment file named {@code fileName} has been synced (0 if never). */
    long syncedTo(Path file) {
        return syncedTo.getOrDefault(file.getFileName().toString(), 0L);
    }

    Map<String, Long> snapshot() {
        return Map.copyOf(syncedTo);
    }
}
