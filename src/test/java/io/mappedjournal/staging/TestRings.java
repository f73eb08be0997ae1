package io.mappedjournal.staging;

/** Staging rings for tests outside this package (the pool's constructor is package-private). */
public final class TestRings {
    private TestRings() {
    }

    /** A ring of {@code capacity} bytes from a one-slot pool, owned by no thread. */
    public static StagingRing ring(int capacity) throws InterruptedException {
        return new StagingPool(1, capacity).acquire(null, 0);
    }
}
