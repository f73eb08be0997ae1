package io.mappedjournal.jcstress.support;

import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.StagingRing;
import net.openhft.chronicle.bytes.BytesStore;

/** Helpers to get production staging rings and to write/check recognisable payloads. */
public final class Rings {
    private Rings() {
    }

    /** A fresh production ring of {@code capacity} bytes, from a one-ring production pool. */
    public static StagingRing newRing(int capacity) {
        return newPool(capacity).acquire0();
    }

    /** Takes a ring of {@code pool} for an explicit (thread-less) writer, as {@code Journal.openWriter()} does. */
    public static StagingRing newPoolRing(StagingPool pool) {
        return new PoolHandle(pool).acquire0();
    }

    /** A production pool of one ring; {@link PoolHandle#acquire0()} takes its ring for an explicit writer. */
    public static PoolHandle newPool(int capacity) {
        return new PoolHandle(new StagingPool(1, capacity));
    }

    /** Producer side: claim, fill every byte with {@code value}, commit. Fails loudly if no space. */
    public static long append(StagingRing ring, int length, byte value) {
        final long index = ring.tryClaim(length);
        if (index < 0) {
            throw new IllegalStateException("setup: no space in ring for " + length + " bytes");
        }
        fill(ring.buffer(), index, length, value);
        return ring.commit();
    }

    public static void fill(BytesStore<?, ?> store, long index, int length, byte value) {
        for (int i = 0; i < length; i++) {
            store.writeByte(index + i, value);
        }
    }

    /** Number of bytes in {@code [index, index+length)} that equal {@code value}. */
    public static int countEqual(BytesStore<?, ?> store, long index, int length, byte value) {
        int n = 0;
        for (int i = 0; i < length; i++) {
            if (store.readByte(index + i) == value) {
                n++;
            }
        }
        return n;
    }

    /** A pool and the handle to acquire from it without checked exceptions. */
    public static final class PoolHandle {
        public final StagingPool pool;

        public PoolHandle(StagingPool pool) {
            this.pool = pool;
        }

        /** Acquires a ring for an explicit (thread-less) writer, as {@code Journal.openWriter()} does. */
        public StagingRing acquire0() {
            return acquire(null);
        }

        public StagingRing acquire(Thread owner) {
            try {
                final StagingRing ring = pool.acquire(owner, 0);
                if (ring == null) {
                    throw new IllegalStateException("setup: pool has no free ring");
                }
                return ring;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
