package io.mappedjournal;

import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.policy.IdleStrategy;
import io.mappedjournal.policy.RollPolicy;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.segment.FileSyncer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a journal is opened with; immutable. Build with {@link #builder(Path)}; every
 * setting has a default that needs no tuning for a first use.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>syncPolicy</td><td>batch 10 ms</td><td>when written records are synced (group commit)</td></tr>
 *   <tr><td>segmentSize</td><td>64 MiB</td><td>bytes per segment file, preallocated</td></tr>
 *   <tr><td>stagingBufferSize</td><td>256 KiB</td><td>bytes per writer's staging ring (power of two)</td></tr>
 *   <tr><td>maxWriters</td><td>256</td><td>staging rings that may exist at once; with the above, the staging memory bound</td></tr>
 *   <tr><td>maxRecordSize</td><td>64 KiB</td><td>largest record accepted</td></tr>
 *   <tr><td>backpressure</td><td>BLOCK</td><td>what an append does when its ring is full</td></tr>
 *   <tr><td>blockTimeout</td><td>10 s</td><td>how long BLOCK waits before giving up</td></tr>
 *   <tr><td>idleStrategy</td><td>back-off to 1 ms parks</td><td>what the idle master does</td></tr>
 *   <tr><td>rollPolicy</td><td>when full</td><td>when a segment is rolled early</td></tr>
 *   <tr><td>recoveryMode</td><td>TOLERATE_TAIL</td><td>how recovery at open treats bad frames</td></tr>
 *   <tr><td>checkpointBytes</td><td>16 MiB</td><td>synced bytes between manifest checkpoints</td></tr>
 *   <tr><td>slowSyncThreshold</td><td>1 s</td><td>a sync slower than this is logged as a warning</td></tr>
 *   <tr><td>ordering</td><td>PER_PRODUCER</td><td>or TOTAL: one global order by append time</td></tr>
 * </table>
 */
public final class JournalConfig {
    final Path directory;
    final SyncPolicy syncPolicy;
    final long segmentSize;
    final int stagingBufferSize;
    final int maxWriters;
    final int maxRecordSize;
    final Backpressure backpressure;
    final long blockTimeoutNanos;
    final IdleStrategy idleStrategy;
    final RollPolicy rollPolicy;
    final RecoveryMode recoveryMode;
    final long checkpointBytes;
    final long slowSyncThresholdNanos;
    final FileSyncer syncer;
    final io.mappedjournal.policy.Ordering ordering;

    private JournalConfig(Builder b) {
        this.directory = b.directory;
        this.syncPolicy = b.syncPolicy;
        this.segmentSize = b.segmentSize;
        this.stagingBufferSize = b.stagingBufferSize;
        this.maxWriters = b.maxWriters;
        this.maxRecordSize = b.maxRecordSize;
        this.backpressure = b.backpressure;
        this.blockTimeoutNanos = b.blockTimeout.toNanos();
        this.idleStrategy = b.idleStrategy;
        this.rollPolicy = b.rollPolicy;
        this.recoveryMode = b.recoveryMode;
        this.checkpointBytes = b.checkpointBytes;
        this.slowSyncThresholdNanos = b.slowSyncThreshold.toNanos();
        this.syncer = b.syncer;
        this.ordering = b.ordering;
    }

    /**
     * Starts a configuration for a journal in {@code directory} (created at open if missing),
     * with every default.
     *
     * <p>Threading: any thread.
     *
     * @param directory the journal directory
     * @return a new builder
     * @throws NullPointerException if {@code directory} is null
     */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /**
     * The journal directory, as given to {@link #builder(Path)}.
     *
     * <p>Threading: any thread (the configuration is immutable).
     *
     * @return the directory
     */
    public Path directory() {
        return directory;
    }

    /**
     * When the master syncs written records (group commit). Default: batch 10 ms.
     *
     * <p>Threading: any thread (the configuration is immutable).
     *
     * @return the sync policy
     */
    public SyncPolicy syncPolicy() {
        return syncPolicy;
    }

    /**
     * Bytes per segment file, preallocated. Default: 64 MiB.
     *
     * <p>Threading: any thread (the configuration is immutable).
     *
     * @return the segment size in bytes
     */
    public long segmentSize() {
        return segmentSize;
    }

    /**
     * Bytes per writer's staging ring. Default: 256 KiB.
     *
     * <p>Threading: any thread (the configuration is immutable).
     *
     * @return the staging ring size in bytes
     */
    public int stagingBufferSize() {
        return stagingBufferSize;
    }

    /**
     * The number of staging rings that may exist at once (writers alive at once). Default: 256.
     *
     * <p>Threading: any thread (the configuration is immutable).
     *
     * @return the maximum number of writers
     */
    public int maxWriters() {
        return maxWriters;
    }

    /**
     * The largest record accepted, in bytes. Default: 64 KiB.
     *
     * <p>Threading: any thread (the configuration is immutable).
     *
     * @return the maximum record size
     */
    public int maxRecordSize() {
        return maxRecordSize;
    }

    /**
     * What an append does when its staging ring is full. Default: {@link Backpressure#BLOCK}.
     *
     * <p>Threading: any thread (the configuration is immutable).
     *
     * @return the backpressure policy
     */
    public Backpressure backpressure() {
        return backpressure;
    }

    /**
     * How records of different producers are ordered. Default: {@link io.mappedjournal.policy.Ordering#PER_PRODUCER}.
     *
     * <p>Threading: any thread (the configuration is immutable).
     *
     * @return the ordering
     */
    public io.mappedjournal.policy.Ordering ordering() {
        return ordering;
    }

    /**
     * How recovery at open treats bad frames. Default: {@link RecoveryMode#TOLERATE_TAIL}.
     *
     * <p>Threading: any thread (the configuration is immutable).
     *
     * @return the recovery mode
     */
    public RecoveryMode recoveryMode() {
        return recoveryMode;
    }

    /**
     * Staging memory never exceeds this many bytes, whatever the number of threads: {@code maxWriters * stagingBufferSize}.
     *
     * <p>Threading: any thread (the configuration is immutable).
     *
     * @return the bound in bytes
     */
    public long stagingMemoryBound() {
        return (long) maxWriters * stagingBufferSize;
    }

    /**
     * Builds a {@link JournalConfig}; each setter validates its argument at once, {@link #build()}
     * checks the settings against each other. Not thread-safe: one thread per builder.
     */
    public static final class Builder {
        private final Path directory;
        private SyncPolicy syncPolicy = SyncPolicy.batch(Duration.ofMillis(10), Long.MAX_VALUE);
        private long segmentSize = 64L << 20;
        private int stagingBufferSize = 256 << 10;
        private int maxWriters = 256;
        private int maxRecordSize = 64 << 10;
        private Backpressure backpressure = Backpressure.BLOCK;
        private Duration blockTimeout = Duration.ofSeconds(10);
        private IdleStrategy idleStrategy = IdleStrategy.defaultStrategy();
        private RollPolicy rollPolicy = RollPolicy.whenFull();
        private RecoveryMode recoveryMode = RecoveryMode.TOLERATE_TAIL;
        private long checkpointBytes = 16L << 20;
        private Duration slowSyncThreshold = Duration.ofSeconds(1);
        private FileSyncer syncer;
        private io.mappedjournal.policy.Ordering ordering = io.mappedjournal.policy.Ordering.PER_PRODUCER;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /**
         * Sets when the master syncs written records (group commit).
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @param policy the sync policy
         * @return this builder
         * @throws NullPointerException if {@code policy} is null
         */
        public Builder syncPolicy(SyncPolicy policy) {
            this.syncPolicy = Objects.requireNonNull(policy, "syncPolicy");
            return this;
        }

        /**
         * Sets the bytes per segment: a multiple of 4096, at least 64 KiB.
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @param bytes the segment size
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 65536 or not a multiple of 4096
         */
        public Builder segmentSize(long bytes) {
            if (bytes < (64 << 10) || (bytes & 4095) != 0) {
                throw new IllegalArgumentException("segmentSize must be a multiple of 4096 and >= 65536: segmentSize=" + bytes);
            }
            this.segmentSize = bytes;
            return this;
        }

        /**
         * Sets the bytes per writer's staging ring: a power of two, at least 4 KiB.
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @param bytes the ring size
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 4096 or not a power of two
         */
        public Builder stagingBufferSize(int bytes) {
            if (bytes < 4096 || Integer.bitCount(bytes) != 1) {
                throw new IllegalArgumentException("stagingBufferSize must be a power of two >= 4096: stagingBufferSize=" + bytes);
            }
            this.stagingBufferSize = bytes;
            return this;
        }

        /**
         * Sets how many staging rings (writers alive at once) may exist, in [1, 32767].
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @param count the maximum number of writers
         * @return this builder
         * @throws IllegalArgumentException if {@code count} is outside [1, 32767]
         */
        public Builder maxWriters(int count) {
            if (count < 1 || count > 32767) {
                throw new IllegalArgumentException("maxWriters must be in [1, 32767]: maxWriters=" + count);
            }
            this.maxWriters = count;
            return this;
        }

        /**
         * Sets the largest record accepted, &gt;= 1. It must also fit half a staging ring and one segment
         * (checked by {@link #build()}).
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @param bytes the maximum record size
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 1
         */
        public Builder maxRecordSize(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxRecordSize must be >= 1: maxRecordSize=" + bytes);
            }
            this.maxRecordSize = bytes;
            return this;
        }

        /**
         * Sets what an append does when its staging ring is full, or when every ring is taken.
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @param policy the backpressure policy
         * @return this builder
         * @throws NullPointerException if {@code policy} is null
         */
        public Builder backpressure(Backpressure policy) {
            this.backpressure = Objects.requireNonNull(policy, "backpressure");
            return this;
        }

        /**
         * Sets how long {@link Backpressure#BLOCK} waits for space before throwing {@link StagingFullException}.
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @param timeout the timeout, &gt;= 0
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is negative
         * @throws NullPointerException if {@code timeout} is null
         */
        public Builder blockTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("blockTimeout must be >= 0: blockTimeout=" + timeout);
            }
            this.blockTimeout = timeout;
            return this;
        }

        /**
         * Sets what the master does when it has no work.
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @param strategy the idle strategy (used by the master thread only)
         * @return this builder
         * @throws NullPointerException if {@code strategy} is null
         */
        public Builder idleStrategy(IdleStrategy strategy) {
            this.idleStrategy = Objects.requireNonNull(strategy, "idleStrategy");
            return this;
        }

        /**
         * Sets when a segment is rolled before it is full.
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @param policy the roll policy
         * @return this builder
         * @throws NullPointerException if {@code policy} is null
         */
        public Builder rollPolicy(RollPolicy policy) {
            this.rollPolicy = Objects.requireNonNull(policy, "rollPolicy");
            return this;
        }

        /**
         * Sets how recovery at open treats bad frames.
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @param mode the recovery mode
         * @return this builder
         * @throws NullPointerException if {@code mode} is null
         */
        public Builder recoveryMode(RecoveryMode mode) {
            this.recoveryMode = Objects.requireNonNull(mode, "recoveryMode");
            return this;
        }

        /**
         * Sets how many synced bytes may pass between manifest checkpoints (which bound how much
         * recovery rescans).
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @param bytes the checkpoint interval in bytes, &gt;= 1
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 1
         */
        public Builder checkpointBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("checkpointBytes must be >= 1: checkpointBytes=" + bytes);
            }
            this.checkpointBytes = bytes;
            return this;
        }

        /**
         * Sets the sync duration above which a sync is logged as slow and makes the journal
         * {@link Health#DEGRADED}.
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @param threshold the threshold
         * @return this builder
         * @throws NullPointerException if {@code threshold} is null
         */
        public Builder slowSyncThreshold(Duration threshold) {
            this.slowSyncThreshold = Objects.requireNonNull(threshold, "slowSyncThreshold");
            return this;
        }

        /**
         * Replaces the msync implementation: a seam for tests and fault injection (count syncs,
         * fail one). Production code leaves it unset.
         */
        Builder syncer(FileSyncer fileSyncer) {
            this.syncer = Objects.requireNonNull(fileSyncer, "syncer");
            return this;
        }

        /**
         * Sets how records of different producers are ordered: {@code PER_PRODUCER} (default) or
         * {@code TOTAL}; see {@link io.mappedjournal.policy.Ordering}.
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @param order the ordering
         * @return this builder
         * @throws NullPointerException if {@code order} is null
         */
        public Builder ordering(io.mappedjournal.policy.Ordering order) {
            this.ordering = Objects.requireNonNull(order, "ordering");
            return this;
        }

        /**
         * Builds the configuration, checking the settings against each other.
         *
         * <p>Threading: the builder is not thread-safe; use it from one thread.
         *
         * @return a new immutable configuration
         * @throws IllegalArgumentException if the maximum record size does not fit half a staging ring or one segment
         */
        public JournalConfig build() {
            final int maxInRing = stagingBufferSize / 2 - io.mappedjournal.format.StagingDescriptor.RECORD_HEADER_LENGTH;
            if (maxRecordSize > maxInRing) {
                throw new IllegalArgumentException("maxRecordSize must fit half a staging ring: maxRecordSize="
                        + maxRecordSize + " stagingBufferSize=" + stagingBufferSize + " (max " + maxInRing + ")");
            }
            if (io.mappedjournal.format.FrameDescriptor.frameLength(maxRecordSize)
                    > segmentSize - io.mappedjournal.format.SegmentHeaderDescriptor.DATA_OFFSET
                    - io.mappedjournal.format.FrameDescriptor.ALIGNMENT) { // room for the seal marker
                throw new IllegalArgumentException("maxRecordSize must fit one segment: maxRecordSize=" + maxRecordSize
                        + " segmentSize=" + segmentSize);
            }
            return new JournalConfig(this);
        }
    }
}
