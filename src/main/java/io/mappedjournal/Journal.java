package io.mappedjournal;

import io.mappedjournal.format.SegmentHeader;
import io.mappedjournal.format.SegmentHeaderDescriptor;
import io.mappedjournal.manifest.Manifest;
import io.mappedjournal.manifest.ManifestStore;
import io.mappedjournal.master.DurabilityWaiters;
import io.mappedjournal.master.JournalState;
import io.mappedjournal.master.Master;
import io.mappedjournal.master.MasterMetrics;
import io.mappedjournal.metrics.MetricsSnapshot;
import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.recovery.RecoveryPlan;
import io.mappedjournal.recovery.RecoveryScan;
import io.mappedjournal.recovery.Repair;
import io.mappedjournal.segment.FileSyncer;
import io.mappedjournal.segment.MsyncSyncer;
import io.mappedjournal.segment.Segment;
import io.mappedjournal.segment.SegmentFiles;
import io.mappedjournal.segment.SegmentLog;
import io.mappedjournal.segment.SegmentPreallocator;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.StagingRing;
import io.mappedjournal.staging.WriterCounters;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An embedded, memory-mapped, append-only journal.
 *
 * <p>Any number of threads append; each appends into its own staging ring (no lock, no shared
 * write, no allocation) and gets a receipt back at once. One master thread copies staged records
 * into the active memory-mapped segment as CRC-protected frames and syncs them per the
 * {@link io.mappedjournal.policy.SyncPolicy} (group commit: one sync covers every record written
 * since the previous one). A caller who needs to know its record is durable waits on the receipt
 * ({@link #awaitDurable}, {@link #durableFuture}) or on {@link #flush()}.
 *
 * <p>Guarantees: each producer's records appear in the journal in the order it appended them;
 * a record whose durability wait returned true survives a process crash and a power cut (under
 * every policy: the wait forces a sync); after a crash, reopening recovers a prefix of the append
 * order that contains every record acknowledged durable. A failed sync fails the journal: it is
 * never retried, never reported as success, and every waiter gets the cause.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    /** Returned by an append that was dropped under {@link Backpressure#DROP}. */
    public static final long DROPPED = -1L;

    /** Directories (real paths) of the journals open in this JVM: see {@link #open(JournalConfig)}. */
    private static final java.util.concurrent.ConcurrentHashMap<Path, Boolean> OPEN_IN_THIS_PROCESS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final JournalConfig config;
    private final Path dir;
    private final JournalState state;
    private final StagingPool pool;
    private final Master master;
    private final MasterMetrics masterMetrics;
    private final RecoveryReport recoveryReport;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Path lockKey;
    private final ExecutorService futureExecutor;
    private final ThreadLocal<JournalWriter> threadWriters = new ThreadLocal<>();
    private final AtomicLong poolDropped = new AtomicLong();
    /** Total-order mode: the next global ticket (see {@link io.mappedjournal.policy.Ordering#TOTAL}). */
    private final AtomicLong tickets = new AtomicLong();
    private final JmxRegistration jmx;
    private final AtomicLong poolRejected = new AtomicLong();

    private Journal(JournalConfig config, JournalState state, StagingPool pool, Master master,
                    MasterMetrics masterMetrics, RecoveryReport report, FileChannel lockChannel, FileLock lock,
                    Path lockKey, ExecutorService futureExecutor) {
        this.config = config;
        this.dir = config.directory;
        this.state = state;
        this.pool = pool;
        this.master = master;
        this.masterMetrics = masterMetrics;
        this.recoveryReport = report;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.lockKey = lockKey;
        this.futureExecutor = futureExecutor;
        this.jmx = JmxRegistration.register(dir.toString(), this::metrics, () -> health().name(),
                () -> String.join("; ", healthReasons()));
    }

    /** Opens (or creates) a journal in {@code directory} with every default. See {@link #open(JournalConfig)}. */
    public static Journal open(Path directory) throws IOException {
        return open(JournalConfig.builder(directory).build());
    }

    /**
     * Opens a journal: locks the directory, runs recovery (see {@link #recoveryReport()}), and
     * starts the master thread.
     *
     * @throws JournalException        if the JVM lacks the Chronicle flags (the message names them)
     * @throws JournalLockedException  if another writer holds the directory
     * @throws CorruptJournalException if recovery refuses the journal in the configured mode
     * @throws IOException             on an I/O failure, naming the file
     */
    public static Journal open(JournalConfig config) throws IOException {
        JvmFlags.check();
        final PosixAPI posix = PosixAPI.posix();
        if (posix.getClass().getName().contains("NoOp")) {
            throw new JournalException("Chronicle's native posix layer did not load (is java.io.tmpdir writable?): "
                    + "cannot fallocate or msync safely: posix=" + posix.getClass().getName());
        }
        final Path dir = config.directory.toAbsolutePath();
        Files.createDirectories(dir);
        final Path lockKey = dir.toRealPath();
        // In-process check first, before any channel on the lock file is opened: POSIX drops
        // every fcntl lock a process holds on a file when the process closes ANY descriptor of
        // that file, so probing with a second channel and closing it would silently release the
        // lock the open journal holds (another process could then open it as a second writer).
        if (OPEN_IN_THIS_PROCESS.putIfAbsent(lockKey, Boolean.TRUE) != null) {
            throw new JournalLockedException("journal is already open in this process: dir=" + dir);
        }
        final FileChannel lockChannel;
        final FileLock lock;
        try {
            lockChannel = FileChannel.open(dir.resolve(SegmentFiles.LOCK_FILE),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lockChannel.close();
                throw new JournalLockedException("journal is already open in this process: dir=" + dir);
            } catch (IOException e) {
                lockChannel.close();
                throw e;
            }
            if (lock == null) {
                lockChannel.close();
                throw new JournalLockedException("journal is locked by another process (a second writer): dir=" + dir
                        + " lock=" + dir.resolve(SegmentFiles.LOCK_FILE));
            }
        } catch (IOException | RuntimeException e) {
            OPEN_IN_THIS_PROCESS.remove(lockKey);
            throw e;
        }
        SegmentPreallocator preallocator = null;
        Segment active = null;
        try {
            final FileSyncer syncer = config.syncer != null ? config.syncer : new MsyncSyncer(posix);
            final RecoveryPlan plan = RecoveryScan.scan(dir, config.recoveryMode);
            final Manifest repaired = Repair.apply(dir, plan, false, syncer);
            final ManifestStore manifests = ManifestStore.forWriting(dir, repaired.generation());
            final List<Manifest.Entry> sealed;
            final long writeOffset;
            final long nextSequence;
            final long nextIndex;
            if (plan.segments.isEmpty() || plan.active().sealed) {
                // A new journal, or one whose last segment is sealed (or was set aside): the new
                // active segment continues at the plan's next sequence.
                final long first = plan.nextSequence;
                final long index = plan.nextSegmentIndex;
                sealed = plan.segments;
                active = Segment.prepare(dir, index, config.segmentSize, posix);
                active.activate(new SegmentHeader(index, first, config.segmentSize, System.currentTimeMillis()), syncer);
                writeOffset = SegmentHeaderDescriptor.DATA_OFFSET;
                nextSequence = first;
                nextIndex = index + 1;
            } else {
                final Manifest.Entry a = plan.active();
                sealed = plan.segments.subList(0, plan.segments.size() - 1);
                active = Segment.open(SegmentFiles.segmentPath(dir, a.firstSequence), false);
                writeOffset = a.validLength;
                nextSequence = a.nextSequence;
                nextIndex = Math.max(a.segmentIndex, plan.nextSegmentIndex - 1) + 1;
            }
            preallocator = new SegmentPreallocator(dir, config.segmentSize, posix, nextIndex);
            final SegmentLog log = new SegmentLog(dir, config.segmentSize, syncer, preallocator, config.rollPolicy,
                    manifests, config.checkpointBytes, sealed, plan.lowWaterSequence, active, writeOffset, nextSequence);
            log.writeManifest(false);
            final JournalState state = new JournalState(dir.toString());
            final StagingPool pool = new StagingPool(config.maxWriters, config.stagingBufferSize);
            final ExecutorService futures = Executors.newSingleThreadExecutor(r -> {
                final Thread t = new Thread(r, "mapped-journal-futures:" + dir.getFileName());
                t.setDaemon(true);
                return t;
            });
            final MasterMetrics metrics = new MasterMetrics();
            final Master master = new Master(pool, log, config.syncPolicy, config.idleStrategy, state,
                    new DurabilityWaiters(futures), metrics, config.slowSyncThresholdNanos,
                    config.ordering == io.mappedjournal.policy.Ordering.TOTAL);
            master.start(dir.getFileName().toString());
            if (plan.report.anomalies().isEmpty()) {
                LOG.info("opened journal {}: {}", dir, plan.report.describe().replace('\n', ';'));
            } else {
                LOG.warn("opened journal {} after recovery found anomalies: {}", dir,
                        plan.report.describe().replace('\n', ';'));
            }
            return new Journal(config, state, pool, master, metrics, plan.report, lockChannel, lock, lockKey, futures);
        } catch (IOException | RuntimeException e) {
            if (preallocator != null) {
                preallocator.close();
            }
            if (active != null) {
                active.close();
            }
            lock.release();
            lockChannel.close();
            OPEN_IN_THIS_PROCESS.remove(lockKey);
            throw e;
        }
    }

    // ------------------------------------------------------------------ appending

    /**
     * Appends a copy of {@code payload} through this thread's writer. See {@link JournalWriter#append(byte[])}.
     *
     * @return a receipt for {@link #awaitDurable}, or {@link #DROPPED}
     */
    public long append(byte[] payload) {
        final JournalWriter w = writer();
        return w == null ? DROPPED : w.append(payload);
    }

    /** See {@link JournalWriter#append(byte[], int, int)}. */
    public long append(byte[] src, int offset, int length) {
        final JournalWriter w = writer();
        return w == null ? DROPPED : w.append(src, offset, length);
    }

    /** See {@link JournalWriter#append(ByteBuffer)}. */
    public long append(ByteBuffer src) {
        final JournalWriter w = writer();
        return w == null ? DROPPED : w.append(src);
    }

    /** See {@link JournalWriter#append(BytesStore, long, int)}. */
    public long append(BytesStore<?, ?> src, long offset, int length) {
        final JournalWriter w = writer();
        return w == null ? DROPPED : w.append(src, offset, length);
    }

    /**
     * This thread's writer, bound to it (created on first use). When the thread dies its ring is
     * drained and reused. Returns {@code null} only under DROP when every staging ring is taken
     * (the attempt is counted as dropped).
     *
     * @throws StagingFullException when every ring is taken (FAIL at once, BLOCK after the timeout)
     */
    public JournalWriter writer() {
        final JournalWriter w = threadWriters.get();
        if (w != null && !w.isClosed()) {
            return w;
        }
        final JournalWriter created = newWriter(Thread.currentThread());
        if (created != null) {
            threadWriters.set(created);
        }
        return created;
    }

    /**
     * A writer handle not bound to a thread: usable by one thread at a time, released by
     * {@link JournalWriter#close()}. Returns {@code null} under DROP when every ring is taken.
     */
    public JournalWriter openWriter() {
        return newWriter(null);
    }

    private JournalWriter newWriter(Thread owner) {
        if (!state.isOpen()) {
            poolRejected.incrementAndGet();
            throw state.notOpen();
        }
        final long timeout = config.backpressure == Backpressure.BLOCK ? config.blockTimeoutNanos : 0;
        final StagingRing ring;
        try {
            ring = pool.acquire(owner, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            poolRejected.incrementAndGet();
            throw new StagingFullException("interrupted while waiting for a staging ring: journal=" + dir, e);
        }
        if (ring == null) {
            if (config.backpressure == Backpressure.DROP) {
                poolDropped.incrementAndGet();
                return null;
            }
            poolRejected.incrementAndGet();
            throw new StagingFullException("all staging rings are in use: maxWriters=" + config.maxWriters
                    + " backpressure=" + config.backpressure + " journal=" + dir);
        }
        return new JournalWriter(this, ring, owner);
    }

    /**
     * Counts a refused append of a writer that no longer owns its ring (closed): the ring's own
     * counters belong to its current owner and are updated without atomics.
     */
    void countRejectedWithoutRing() {
        poolRejected.incrementAndGet();
    }

    void releaseWriter(JournalWriter writer) {
        if (threadWriters.get() == writer) {
            threadWriters.remove();
        }
        pool.release(writer.ring());
    }

    // ------------------------------------------------------------------ durability

    /** True if the record behind {@code receipt} is durable now. Never blocks. */
    public boolean isDurable(long receipt) {
        checkReceipt(receipt);
        final StagingRing ring = pool.ring(Receipts.ringId(receipt));
        return ring.durablePositionVolatile() >= Receipts.position(receipt);
    }

    /**
     * Waits until the record behind {@code receipt} is durable (synced), asking the master to
     * sync now rather than at the policy's next sync.
     *
     * @return true once durable; false if the timeout passed first
     * @throws JournalFailedException if the journal failed before the record was durable
     */
    public boolean awaitDurable(long receipt, long timeout, TimeUnit unit) throws InterruptedException {
        checkReceipt(receipt);
        final StagingRing ring = pool.ring(Receipts.ringId(receipt));
        final long position = Receipts.position(receipt);
        return master.await(() -> ring.durablePositionVolatile() >= position, unit.toNanos(timeout));
    }

    /**
     * A future completed once the record behind {@code receipt} is durable, or exceptionally
     * with {@link JournalFailedException}. Completed on a journal thread that is not the master.
     */
    public CompletableFuture<Void> durableFuture(long receipt) {
        checkReceipt(receipt);
        final StagingRing ring = pool.ring(Receipts.ringId(receipt));
        final long position = Receipts.position(receipt);
        return master.future(() -> ring.durablePositionVolatile() >= position);
    }

    /**
     * Waits until every record appended (by any thread) before this call is durable. On a
     * closed journal returns true at once: close made every accepted record durable.
     *
     * @return true once durable; false on timeout
     * @throws JournalFailedException if the journal failed first
     */
    public boolean flush(long timeout, TimeUnit unit) throws InterruptedException {
        final int s = state.getVolatile();
        if (s == JournalState.FAILED) {
            throw state.failedException();
        }
        if (s == JournalState.CLOSED) {
            return true; // close drained and synced everything that was accepted
        }
        final long ticket = master.requestFlush();
        return master.await(() -> master.isFlushed(ticket), unit.toNanos(timeout));
    }

    /** {@link #flush(long, TimeUnit)} without a practical timeout. */
    public void flush() throws InterruptedException {
        if (!flush(Long.MAX_VALUE / 4, TimeUnit.NANOSECONDS)) {
            throw new JournalException("flush did not complete: journal=" + dir);
        }
    }

    private void checkReceipt(long receipt) {
        if (receipt < 0 || Receipts.ringId(receipt) >= pool.allocated()) {
            throw new IllegalArgumentException("not a receipt of this journal: receipt=" + receipt
                    + (receipt == DROPPED ? " (DROPPED: the record was not appended)" : ""));
        }
    }

    /** Every record with a sequence below this is durable. */
    public long durableSequence() {
        return master.durableSequence();
    }

    /** Every record with a sequence below this has been written to a segment (readers can see it). */
    public long writtenSequence() {
        return master.writtenSequence();
    }

    // ------------------------------------------------------------------ reading and state

    /** A reader from {@code fromSequence} over everything written (live tail included). */
    public JournalReader reader(long fromSequence) throws IOException {
        return JournalReader.open(dir, fromSequence, null);
    }

    /** A reader from {@code fromSequence} that only returns durable records. */
    public JournalReader durableReader(long fromSequence) throws IOException {
        return JournalReader.open(dir, fromSequence, master::durableSequence);
    }

    // ------------------------------------------------------------------ retention

    /**
     * Retention: deletes every whole sealed segment whose records all lie below {@code sequence};
     * never the active segment, so records from the active segment's first sequence on are always
     * kept. The manifest that no longer names them (with the new low-water mark) is written and
     * synced first, the files are deleted after, then the directory is fsynced; a crash in between
     * leaves files that the next open deletes. Safe with readers in this or other processes (they
     * keep reading a segment they have mapped; a reader positioned below the low-water mark moves
     * on to the oldest retained record).
     *
     * @return the paths deleted, oldest first (empty if no segment lies wholly below {@code sequence})
     * @throws JournalClosedException if the journal is closed
     * @throws JournalFailedException if the journal failed
     * @throws IOException            if the manifest cannot be written (nothing was deleted)
     */
    public List<Path> deleteSegmentsBefore(long sequence) throws IOException {
        if (!state.isOpen()) {
            throw state.notOpen();
        }
        final List<Manifest.Entry> removed = master.log().deleteBefore(sequence);
        final List<Path> paths = new java.util.ArrayList<>(removed.size());
        for (Manifest.Entry e : removed) {
            paths.add(SegmentFiles.segmentPath(dir, e.firstSequence));
        }
        return paths;
    }

    /** The first sequence still retained (the retention low-water mark). */
    public long lowWaterSequence() {
        return master.log().lowWaterSequence();
    }

    /** What recovery found and did when this journal was opened. */
    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    public Path directory() {
        return dir;
    }

    public JournalConfig config() {
        return config;
    }

    /** True while appends are accepted. */
    public boolean isOpen() {
        return state.isOpen();
    }

    /** The failure that stopped the journal, or null. */
    public Throwable failure() {
        return state.failure();
    }

    /** A snapshot of the counters. Cheap enough for once a second; not for every append. */
    public MetricsSnapshot metrics() {
        long appended = 0;
        long bytes = 0;
        long dropped = poolDropped.get();
        long rejected = poolRejected.get();
        long blocked = 0;
        long used = 0;
        final int count = pool.allocated();
        for (int i = 0; i < count; i++) {
            final StagingRing ring = pool.ring(i);
            final WriterCounters c = ring.counters();
            appended += c.appended();
            bytes += c.bytes();
            dropped += c.dropped();
            rejected += c.rejected();
            blocked += c.blockedNanos();
            used += ring.occupancy();
        }
        return new MetricsSnapshot(appended, bytes, dropped, rejected, blocked, used, pool.memoryBound(), pool.inUse(),
                count, masterMetrics.drainPasses(), masterMetrics.drainBatchSizes(), masterMetrics.syncs(),
                masterMetrics.syncedRecords(), masterMetrics.slowSyncs(), masterMetrics.syncLatencyNanos(),
                master.writtenSequence(), master.durableSequence(), master.log().rolls(), masterMetrics.errors());
    }

    /** Staging ring fill ratio above which the journal reports {@link Health#DEGRADED}. */
    static final double STAGING_DEGRADED_RATIO = 0.8;

    /** How long past the moment its sync policy wanted a sync unsynced data may wait before DEGRADED. */
    static final long UNSYNCED_GRACE_NANOS = 1_000_000_000L;

    /**
     * OK, DEGRADED (a staging ring more than 80% full; unsynced data older than the policy
     * allows, or older than 1 s under ALWAYS; the last sync slower than the slow-sync threshold),
     * FAILED or CLOSED. Cheap: reads a few volatile fields per staging ring.
     */
    public Health health() {
        final int s = state.getVolatile();
        if (s == JournalState.FAILED) {
            return Health.FAILED;
        }
        if (s != JournalState.OPEN) {
            return Health.CLOSED;
        }
        return healthReasons().isEmpty() ? Health.OK : Health.DEGRADED;
    }

    /** Why {@link #health()} is not OK, one phrase per reason; empty when OK. */
    public List<String> healthReasons() {
        final List<String> reasons = new java.util.ArrayList<>();
        final Throwable failure = state.failure();
        if (failure != null) {
            reasons.add("failed: " + failure);
            return reasons;
        }
        final int count = pool.allocated();
        for (int i = 0; i < count; i++) {
            final StagingRing ring = pool.ring(i);
            final double ratio = (double) ring.occupancy() / ring.capacity();
            if (ratio > STAGING_DEGRADED_RATIO) {
                reasons.add(String.format("staging ring %d is %.0f%% full", i, ratio * 100));
            }
        }
        final long since = master.unsyncedSinceNanos();
        if (since != 0) {
            // Older than the policy allows: the policy already wanted a sync of this data more
            // than UNSYNCED_GRACE_NANOS ago (the grace covers a sync in progress). Asking the
            // policy itself keeps this right for every policy, NONE (never) included.
            final long now = System.nanoTime();
            final long age = now - since;
            if (age > UNSYNCED_GRACE_NANOS && config.syncPolicy.shouldSync(1, since, now - UNSYNCED_GRACE_NANOS)) {
                reasons.add("unsynced data is " + age / 1_000_000 + " ms old (sync policy " + config.syncPolicy.name()
                        + " wanted a sync more than " + UNSYNCED_GRACE_NANOS / 1_000_000 + " ms ago)");
            }
        }
        final long lastSync = master.lastSyncNanos();
        if (lastSync > config.slowSyncThresholdNanos) {
            reasons.add("last sync took " + lastSync / 1_000_000 + " ms");
        }
        return reasons;
    }

    JournalState state() {
        return state;
    }

    Master master() {
        return master;
    }

    /** Total order: a ticket for the append being published now; null in per-producer mode. */
    AtomicLong tickets() {
        return config.ordering == io.mappedjournal.policy.Ordering.TOTAL ? tickets : null;
    }

    StagingPool pool() {
        return pool;
    }

    /**
     * Closes the journal: refuses new appends ({@link JournalClosedException}), drains every
     * staging ring, syncs, records the exact end in the manifest, unmaps and closes every file
     * and releases the directory lock, all before returning. Idempotent. After a failure it
     * releases resources and returns.
     *
     * @throws IOException if the journal fails during this close (its final sync or manifest
     *                     write failed): the resources are released, but what was appended is
     *                     not known to be durable; reopening runs recovery
     */
    @Override
    public void close() throws IOException {
        final boolean first = state.beginClose();
        try {
            master.stopAndJoin();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while closing journal: dir=" + dir);
        }
        if (!first && !lock.isValid()) {
            return;
        }
        futureExecutor.shutdown();
        try {
            futureExecutor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        BackgroundResourceReleaser.releasePendingResources();
        jmx.close();
        if (lock.isValid()) {
            lock.release();
        }
        lockChannel.close();
        OPEN_IN_THIS_PROCESS.remove(lockKey, Boolean.TRUE);
        final Throwable failure = state.failure();
        if (first && failure != null) {
            LOG.warn("closed failed journal {}: {}", dir, failure.toString());
            // The journal was open when close began and failed during it (its final sync or
            // manifest write): what was appended is not known to be durable, so say so.
            throw new IOException("close could not make the journal durable (reopen to recover): dir=" + dir
                    + " cause=" + failure, failure);
        }
    }
}
