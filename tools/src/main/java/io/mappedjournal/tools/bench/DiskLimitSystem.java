package io.mappedjournal.tools.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The physical ceiling: the same bytes (records laid end to end, 1 MiB per write call) written
 * sequentially to fresh file space by one thread, with {@code force} at the same cadence
 * ({@code always}: after every write call; {@code batch_N}: every N ms; {@code none}: never).
 * Only producer 0 writes; a record counts as one append of the record size, so ops/sec is
 * bytes/sec divided by the record size.
 */
final class DiskLimitSystem implements BenchSystem {
    private final FileChannel channel;
    private final SyncSpec sync;
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
    private int recordsPerChunk;
    private long lastForceNanos = System.nanoTime();

    DiskLimitSystem(Path dir, SyncSpec sync) throws IOException {
        this.sync = sync;
        this.channel = FileChannel.open(dir.resolve("disk-limit.log"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Records per write call: the runner counts this many appends per call. */
    int recordsPerCall(int recordSize) {
        return Math.max(1, chunk.capacity() / recordSize);
    }

    @Override
    public Appender appender(int thread) {
        return payload -> {
            if (recordsPerChunk == 0) {
                recordsPerChunk = recordsPerCall(payload.length);
                for (int i = 0; i < recordsPerChunk; i++) {
                    chunk.put(payload);
                }
            }
            chunk.position(0).limit(recordsPerChunk * payload.length);
            while (chunk.hasRemaining()) {
                channel.write(chunk);
            }
            if (sync.always) {
                channel.force(false);
            } else if (sync.batch()) {
                final long now = System.nanoTime();
                if (now - lastForceNanos >= sync.batchMillis * 1_000_000) {
                    channel.force(false);
                    lastForceNanos = now;
                }
            }
        };
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
