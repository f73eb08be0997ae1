package io.mappedjournal.tools.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The obvious design: one {@code synchronized} writer over a {@link FileChannel} and a reused
 * direct {@link ByteBuffer}; fsync ({@code force(false)}) per record under {@code always}, per
 * interval under {@code batch} (by whichever producer finds the interval elapsed).
 */
final class NaiveSystem implements BenchSystem {
    private final FileChannel channel;
    private final SyncSpec sync;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    private long lastForceNanos = System.nanoTime();
    private long forces;

    NaiveSystem(Path dir, SyncSpec sync) throws IOException {
        this.sync = sync;
        this.channel = FileChannel.open(dir.resolve("naive.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public Appender appender(int thread) {
        return this::write;
    }

    private synchronized void write(byte[] payload) throws IOException {
        buffer.clear();
        buffer.putInt(payload.length).put(payload).flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        if (sync.always) {
            channel.force(false);
            forces++;
        } else if (sync.batch()) {
            final long now = System.nanoTime();
            if (now - lastForceNanos >= sync.batchMillis * 1_000_000) {
                channel.force(false);
                forces++;
                lastForceNanos = now;
            }
        }
    }

    @Override
    public synchronized String notes() {
        return "forces=" + forces;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
