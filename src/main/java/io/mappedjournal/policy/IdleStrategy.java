package io.mappedjournal.policy;

import java.util.concurrent.locks.LockSupport;

/**
 * What the master does between duty cycles. {@link #idle(int)} is called after every cycle with
 * the amount of work it did; implementations back off only when there was none.
 */
public interface IdleStrategy {

    /**
     * Called by the master after every duty cycle; backs off only when the cycle did no work.
     *
     * <p>Threading: the master thread only (implementations may keep unsynchronised state).
     *
     * @param workCount work done in the last duty cycle; 0 means the master may back off
     */
    void idle(int workCount);

    /**
     * Spins: lowest latency, burns a whole core even when the journal is idle.
     *
     * <p>Threading: any thread may call this factory; the strategy is stateless.
     *
     * @return a busy-spin strategy
     */
    static IdleStrategy busySpin() {
        return workCount -> {
            if (workCount == 0) {
                Thread.onSpinWait();
            }
        };
    }

    /**
     * Yields the core when idle: low latency, still ~100% of a core by the OS's accounting.
     *
     * <p>Threading: any thread may call this factory; the strategy is stateless.
     *
     * @return a yielding strategy
     */
    static IdleStrategy yielding() {
        return workCount -> {
            if (workCount == 0) {
                Thread.yield();
            }
        };
    }

    /**
     * Spin, then yield, then park with exponential back-off from 1 µs up to {@code maxParkNanos}.
     *
     * <p>Threading: any thread may call this factory; the strategy returned keeps state, so give
     * each journal its own.
     *
     * @param maxParkNanos the longest park, &gt;= 1000
     * @return a new back-off strategy
     * @throws IllegalArgumentException if {@code maxParkNanos} is below 1000
     */
    static IdleStrategy backoff(long maxParkNanos) {
        return new Backoff(100, 10, 1_000, maxParkNanos);
    }

    /**
     * The default: {@link #backoff(long)} up to 1 ms. Idle cost is ~1,000 wake-ups a second;
     * an idle journal does not burn a core. A waiting caller wakes the master at once.
     *
     * <p>Threading: any thread; returns a new instance each call (the strategy keeps state).
     *
     * @return a new default strategy
     */
    static IdleStrategy defaultStrategy() {
        return backoff(1_000_000);
    }

    /**
     * Spin, yield, then park with a doubling park time. Not thread-safe: one instance per master
     * (per journal).
     */
    final class Backoff implements IdleStrategy {
        private final int maxSpins;
        private final int maxYields;
        private final long minParkNanos;
        private final long maxParkNanos;
        private int spins;
        private int yields;
        private long parkNanos;

        /**
         * Creates a back-off strategy.
         *
         * <p>Threading: any thread.
         *
         * @param maxSpins     idle cycles spent spinning before yielding
         * @param maxYields    idle cycles spent yielding before parking
         * @param minParkNanos the first park, in nanoseconds
         * @param maxParkNanos the longest park, in nanoseconds
         * @throws IllegalArgumentException if {@code maxParkNanos} is below {@code minParkNanos}
         */
        public Backoff(int maxSpins, int maxYields, long minParkNanos, long maxParkNanos) {
            if (maxParkNanos < minParkNanos) {
                throw new IllegalArgumentException("maxParkNanos < minParkNanos: " + maxParkNanos + " < " + minParkNanos);
            }
            this.maxSpins = maxSpins;
            this.maxYields = maxYields;
            this.minParkNanos = minParkNanos;
            this.maxParkNanos = maxParkNanos;
            this.parkNanos = minParkNanos;
        }

        /**
         * Resets the back-off after work; otherwise spins, yields or parks, per the stage reached.
         *
         * <p>Threading: the master thread only.
         *
         * @param workCount work done in the last duty cycle
         */
        @Override
        public void idle(int workCount) {
            if (workCount > 0) {
                spins = 0;
                yields = 0;
                parkNanos = minParkNanos;
                return;
            }
            if (spins < maxSpins) {
                spins++;
                Thread.onSpinWait();
            } else if (yields < maxYields) {
                yields++;
                Thread.yield();
            } else {
                LockSupport.parkNanos(parkNanos);
                parkNanos = Math.min(parkNanos << 1, maxParkNanos);
            }
        }
    }
}
