package io.mappedjournal.tools.bench;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.io.Syncable;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Chronicle Queue 2026.4, one appender per producer thread, same payloads.
 *
 * <p>Sync facilities used and what they guarantee: under {@code always}, the queue is built with
 * {@code syncMode(SyncMode.SYNC)} and each producer calls {@code sync()} after its
 * write (through the public {@code Syncable.syncIfAvailable}); Chronicle implements both with {@code msync(MS_SYNC)} through
 * {@code MappedBytesStore.syncUpTo}, which logs a failed msync instead of reporting it, so an
 * acknowledged record is durable only if no sync failed silently. Under {@code batch_N} each
 * producer calls {@code sync()} on its own appender when N ms have passed since its last one.
 * Under {@code none} nothing is synced.
 */
final class ChronicleQueueSystem implements BenchSystem {
    private final SingleChronicleQueue queue;
    private final SyncSpec sync;
    private volatile boolean syncable;
    private long syncs;

    ChronicleQueueSystem(Path dir, SyncSpec sync) {
        this.sync = sync;
        final SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.single(dir.toFile());
        if (sync.always) {
            builder.syncMode(SyncMode.SYNC);
        }
        this.queue = builder.build();
    }

    @Override
    public Appender appender(int thread) {
        final ExcerptAppender appender = queue.createAppender();
        syncable = appender instanceof Syncable;
        final Bytes<?> scratch = Bytes.allocateElasticDirect(4096);
        final long[] lastSync = {System.nanoTime()};
        return payload -> {
            scratch.clear();
            scratch.write(payload);
            appender.writeBytes(scratch);
            if (sync.always) {
                syncs += syncable ? 1 : 0;
                Syncable.syncIfAvailable(appender);
            } else if (sync.batch()) {
                final long now = System.nanoTime();
                if (now - lastSync[0] >= sync.batchMillis * 1_000_000) {
                    Syncable.syncIfAvailable(appender);
                    lastSync[0] = now;
                }
            }
        };
    }

    @Override
    public String notes() {
        return sync.name.equals("none") ? "" : "appender " + (syncable ? "is" : "is not") + " Syncable; syncMode="
                + (sync.always ? "SYNC" : "default");
    }

    @Override
    public void close() {
        queue.close();
    }
}
