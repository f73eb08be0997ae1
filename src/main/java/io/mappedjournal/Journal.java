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
import io.mappedjournal.policy.SyncPolicy;
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
import io.mappedjournal.staging.TicketSource;
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
    /** How appends publish: with a global ticket in total order (see {@link io.mappedjournal.policy.Ordering}). */
    private final TicketSource tickets;
    private final JmxRegistration jmx;
    private final AtomicLong poolRejected = new AtomicLong();

    private Journal(JournalConfig config, JournalState state, StagingPool pool, Master master,
                    MasterMetrics masterMetrics, RecoveryReport report, FileChannel lockChannel, FileLock lock,
                    Path lockKey, ExecutorService futureExecutor, TicketSource tickets) {
        this.config = config;
        this.tickets = tickets;
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

    /**
     * Opens (or creates) a journal in {@code directory} with every default setting.
     * Equivalent to {@code open(JournalConfig.builder(directory).build())}; see {@link #open(JournalConfig)}.
     *
     * <p>Threading: any thread. Durability: on return, recovery has made the journal's files
     * consistent and durable; nothing has been appended yet.
     *
     * @param directory the journal directory, created if missing
     * @return the open journal; the caller must {@link #close()} it
     * @throws JournalException        if the JVM lacks the Chronicle flags (the message names them) or
     *                                 Chronicle's native layer did not load
     * @throws JournalLockedException  if another writer, in this or another process, has the directory open
     * @throws CorruptJournalException if recovery refuses the journal in the default recovery mode
     * @throws IOException             on an I/O failure, naming the file
     */
    public static Journal open(Path directory) throws IOException {
        return open(JournalConfig.builder(directory).build());
    }

    /**
     * Opens (or creates) a journal: locks the directory, runs recovery (see
     * {@link #recoveryReport()}), repairs what the recovery mode allows, and starts the master thread.
     *
     * <p>Threading: any thread; the journal it returns may be shared by every thread. Durability:
     * on return, the repairs are synced and the journal continues after the last recovered record;
     * nothing has been appended yet.
     *
     * @param config the settings, including the directory
     * @return the open journal; the caller must {@link #close()} it
     * @throws JournalException        if the JVM lacks the Chronicle flags (the message names them) or
     *                                 Chronicle's native layer did not load
     * @throws JournalLockedException  if another writer, in this or another process, has the directory open
     * @throws CorruptJournalException if recovery refuses the journal in the configured recovery mode
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
            // Chosen once: total order's ticket counter, shared by the appends and the master.
            final TicketSource tickets = TicketSource.of(config.ordering);
            final Master master = new Master(pool, log, config.syncPolicy, config.idleStrategy, state,
                    new DurabilityWaiters(futures), metrics, config.slowSyncThresholdNanos, tickets);
            master.start(dir.getFileName().toString());
            if (plan.report.anomalies().isEmpty()) {
                LOG.info("opened journal {}: {}", dir, plan.report.describe().replace('\n', ';'));
            } else {
                LOG.warn("opened journal {} after recovery found anomalies: {}", dir,
                        plan.report.describe().replace('\n', ';'));
            }
            return new Journal(config, state, pool, master, metrics, plan.report, lockChannel, lock, lockKey, futures,
                    tickets);
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
     * Appends a copy of {@code payload} through this thread's writer. See
     * {@link JournalWriter#append(byte[])}.
     *
     * <p>Threading: any thread. Each thread appends through its own writer ({@link #writer()}), so
     * appends of different threads never contend. Durability: a return means the record is
     * <em>staged</em> (copied into this thread's staging ring), not yet written or durable; the
     * master writes it soon after (then readers see it) and syncs it per the {@link SyncPolicy}. To
     * know it is durable, wait on the receipt ({@link #awaitDurable}, {@link #durableFuture}) or
     * {@link #flush()}.
     *
     * @param payload the record's bytes; the array may be reused once this returns
     * @return a receipt for {@link #isDurable}, {@link #awaitDurable} and {@link #durableFuture} (&gt;= 0), or
     *         {@link #DROPPED} if the record was dropped under {@link Backpressure#DROP}
     * @throws NullPointerException     if {@code payload} is null
     * @throws RecordTooLargeException  if the record is longer than {@link JournalConfig#maxRecordSize()}
     * @throws StagingFullException     if there is no room: the ring is full (under {@link Backpressure#FAIL} at
     *                                  once, under {@link Backpressure#BLOCK} after the block timeout or at once
     *                                  if this thread is interrupted while blocked, keeping its interrupt flag), or
     *                                  this thread has no writer yet and every staging ring is taken
     * @throws JournalClosedException   if the journal is closed or closing (or the append raced close and lost)
     * @throws JournalFailedException   if the journal failed
     * @throws IllegalStateException    if this thread's writer has an open {@link JournalWriter.Claim}
     */
    public long append(byte[] payload) {
        final JournalWriter w = writer();
        return w == null ? DROPPED : w.append(payload);
    }

    /**
     * Appends a copy of {@code length} bytes of {@code src} from {@code offset} through this
     * thread's writer. See {@link JournalWriter#append(byte[], int, int)}.
     *
     * <p>Threading: any thread. Each thread appends through its own writer ({@link #writer()}), so
     * appends of different threads never contend. Durability: a return means the record is
     * <em>staged</em> (copied into this thread's staging ring), not yet written or durable; the
     * master writes it soon after (then readers see it) and syncs it per the {@link SyncPolicy}. To
     * know it is durable, wait on the receipt ({@link #awaitDurable}, {@link #durableFuture}) or
     * {@link #flush()}.
     *
     * @param src    the array holding the record
     * @param offset where the record starts in {@code src}
     * @param length the record's length in bytes
     * @return a receipt (&gt;= 0), or {@link #DROPPED} if the record was dropped under {@link Backpressure#DROP}
     * @throws NullPointerException      if {@code src} is null
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not lie within {@code src}
     * @throws RecordTooLargeException  if the record is longer than {@link JournalConfig#maxRecordSize()}
     * @throws StagingFullException     if there is no room: the ring is full (under {@link Backpressure#FAIL} at
     *                                  once, under {@link Backpressure#BLOCK} after the block timeout or at once
     *                                  if this thread is interrupted while blocked, keeping its interrupt flag), or
     *                                  this thread has no writer yet and every staging ring is taken
     * @throws JournalClosedException   if the journal is closed or closing (or the append raced close and lost)
     * @throws JournalFailedException   if the journal failed
     * @throws IllegalStateException    if this thread's writer has an open {@link JournalWriter.Claim}
     */
    public long append(byte[] src, int offset, int length) {
        final JournalWriter w = writer();
        return w == null ? DROPPED : w.append(src, offset, length);
    }

    /**
     * Appends a copy of the bytes between {@code src}'s position and limit through this thread's
     * writer; the buffer's position is not changed. See {@link JournalWriter#append(ByteBuffer)}.
     *
     * <p>Threading: any thread. Each thread appends through its own writer ({@link #writer()}), so
     * appends of different threads never contend. Durability: a return means the record is
     * <em>staged</em> (copied into this thread's staging ring), not yet written or durable; the
     * master writes it soon after (then readers see it) and syncs it per the {@link SyncPolicy}. To
     * know it is durable, wait on the receipt ({@link #awaitDurable}, {@link #durableFuture}) or
     * {@link #flush()}.
     *
     * @param src the buffer holding the record (heap or direct)
     * @return a receipt (&gt;= 0), or {@link #DROPPED} if the record was dropped under {@link Backpressure#DROP}
     * @throws NullPointerException     if {@code src} is null
     * @throws RecordTooLargeException  if the record is longer than {@link JournalConfig#maxRecordSize()}
     * @throws StagingFullException     if there is no room: the ring is full (under {@link Backpressure#FAIL} at
     *                                  once, under {@link Backpressure#BLOCK} after the block timeout or at once
     *                                  if this thread is interrupted while blocked, keeping its interrupt flag), or
     *                                  this thread has no writer yet and every staging ring is taken
     * @throws JournalClosedException   if the journal is closed or closing (or the append raced close and lost)
     * @throws JournalFailedException   if the journal failed
     * @throws IllegalStateException    if this thread's writer has an open {@link JournalWriter.Claim}
     */
    public long append(ByteBuffer src) {
        final JournalWriter w = writer();
        return w == null ? DROPPED : w.append(src);
    }

    /**
     * Appends a copy of {@code length} bytes of a Chronicle store from {@code offset} through this
     * thread's writer. See {@link JournalWriter#append(BytesStore, long, int)}.
     *
     * <p>Threading: any thread. Each thread appends through its own writer ({@link #writer()}), so
     * appends of different threads never contend. Durability: a return means the record is
     * <em>staged</em> (copied into this thread's staging ring), not yet written or durable; the
     * master writes it soon after (then readers see it) and syncs it per the {@link SyncPolicy}. To
     * know it is durable, wait on the receipt ({@link #awaitDurable}, {@link #durableFuture}) or
     * {@link #flush()}.
     *
     * @param src    the store holding the record
     * @param offset where the record starts in {@code src}
     * @param length the record's length in bytes
     * @return a receipt (&gt;= 0), or {@link #DROPPED} if the record was dropped under {@link Backpressure#DROP}
     * @throws NullPointerException     if {@code src} is null
     * @throws IndexOutOfBoundsException if {@code [offset, offset + length)} does not lie within the store
     * @throws RecordTooLargeException  if the record is longer than {@link JournalConfig#maxRecordSize()}
     * @throws StagingFullException     if there is no room: the ring is full (under {@link Backpressure#FAIL} at
     *                                  once, under {@link Backpressure#BLOCK} after the block timeout or at once
     *                                  if this thread is interrupted while blocked, keeping its interrupt flag), or
     *                                  this thread has no writer yet and every staging ring is taken
     * @throws JournalClosedException   if the journal is closed or closing (or the append raced close and lost)
     * @throws JournalFailedException   if the journal failed
     * @throws IllegalStateException    if this thread's writer has an open {@link JournalWriter.Claim}
     */
    public long append(BytesStore<?, ?> src, long offset, int length) {
        final JournalWriter w = writer();
        return w == null ? DROPPED : w.append(src, offset, length);
    }

    /**
     * This thread's writer, bound to it and created on first use (taking a staging ring from the
     * pool). When the thread dies its ring is drained and reused; {@link JournalWriter#close()}
     * releases it earlier.
     *
     * <p>Threading: any thread; the writer returned may be used only by the calling thread.
     *
     * @return this thread's writer, or {@code null} under {@link Backpressure#DROP} when this thread has
     *         none yet and every staging ring is taken (the attempt is counted as dropped)
     * @throws StagingFullException   if this thread has no writer yet and every staging ring is taken
     *                                (under FAIL at once, under BLOCK after the block timeout, or if
     *                                interrupted while blocked)
     * @throws JournalClosedException if the journal is closed or closing and this thread has no open writer
     * @throws JournalFailedException if the journal failed and this thread has no open writer
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
     * A new writer not bound to a thread, with its own staging ring: usable by one thread at a
     * time (hand it over with a happens-before edge, e.g. through a queue), released by
     * {@link JournalWriter#close()}, which the caller must call.
     *
     * <p>Threading: any thread.
     *
     * @return a new writer, or {@code null} under {@link Backpressure#DROP} when every staging ring is
     *         taken (the attempt is counted as dropped)
     * @throws StagingFullException   if every staging ring is taken (under FAIL at once, under BLOCK after
     *                                the block timeout, or if interrupted while blocked)
     * @throws JournalClosedException if the journal is closed or closing
     * @throws JournalFailedException if the journal failed
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

    /**
     * Whether the record behind {@code receipt} is durable now (synced: it survives a crash or a
     * power cut). Never blocks and does not ask for a sync.
     *
     * <p>Threading: any thread, lock-free.
     *
     * @param receipt a receipt returned by an append of this journal
     * @return true if the record is durable
     * @throws IllegalArgumentException if {@code receipt} is negative (for example {@link #DROPPED}) or names
     *                                   no staging ring of this journal
     */
    public boolean isDurable(long receipt) {
        checkReceipt(receipt);
        return Receipts.isDurable(pool.ring(Receipts.ringId(receipt)), receipt);
    }

    /**
     * Waits until the record behind {@code receipt} is durable, asking the master to sync at the
     * end of its current pass rather than at the policy's next sync.
     *
     * <p>Threading: any thread; blocks the calling thread (parks, no busy spin). Durability: a
     * {@code true} return means the record is synced and survives a process crash or a power cut,
     * whatever the {@link SyncPolicy}. On a closed journal it returns at once whether the record was
     * made durable (close syncs every record it accepted).
     *
     * @param receipt a receipt returned by an append of this journal
     * @param timeout how long to wait at most
     * @param unit    the unit of {@code timeout}
     * @return true once durable; false if the timeout passed first
     * @throws JournalFailedException  if the journal failed before the record was durable
     * @throws InterruptedException    if the calling thread was interrupted while waiting
     * @throws NullPointerException    if {@code unit} is null
     * @throws IllegalArgumentException if {@code receipt} is negative (for example {@link #DROPPED}) or names
     *                                   no staging ring of this journal
     */
    public boolean awaitDurable(long receipt, long timeout, TimeUnit unit) throws InterruptedException {
        checkReceipt(receipt);
        final StagingRing ring = pool.ring(Receipts.ringId(receipt));
        final long position = Receipts.fullPosition(ring, receipt); // decoded once, against the tail now
        return master.await(() -> ring.durablePositionVolatile() >= position, unit.toNanos(timeout));
    }

    /**
     * A future completed once the record behind {@code receipt} is durable, asking the master to
     * sync at the end of its current pass. Never blocks.
     *
     * <p>Threading: any thread. The future is completed on a journal-owned thread that is not the
     * master (or already complete on return); dependent stages run there unless given an executor, so
     * keep them short. Durability: normal completion means the record is synced and survives a
     * crash or a power cut.
     *
     * @param receipt a receipt returned by an append of this journal
     * @return a future completed normally once the record is durable, or exceptionally with
     *         {@link JournalFailedException} if the journal fails first, or with
     *         {@link JournalClosedException} if the journal closes without the record
     * @throws IllegalArgumentException if {@code receipt} is negative (for example {@link #DROPPED}) or names
     *                                   no staging ring of this journal
     */
    public CompletableFuture<Void> durableFuture(long receipt) {
        checkReceipt(receipt);
        final StagingRing ring = pool.ring(Receipts.ringId(receipt));
        final long position = Receipts.fullPosition(ring, receipt); // decoded once, against the tail now
        return master.future(() -> ring.durablePositionVolatile() >= position);
    }

    /**
     * Waits until every record appended (by any thread) before this call is durable, asking the
     * master to sync at the end of its current pass.
     *
     * <p>Threading: any thread; blocks the calling thread. Durability: a {@code true} return means
     * every append that returned before this call is synced and survives a crash or a power cut.
     * On a closed journal it returns true at once: close made every accepted record durable.
     *
     * @param timeout how long to wait at most
     * @param unit    the unit of {@code timeout}
     * @return true once durable; false if the timeout passed first
     * @throws JournalFailedException if the journal failed (before or while waiting)
     * @throws InterruptedException   if the calling thread was interrupted while waiting
     * @throws NullPointerException   if {@code unit} is null
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
        // CLOSED counts as flushed: a request taken while closing, after the master's last pass
        // completed the flushes but before CLOSED, is never marked complete, yet close drained and
        // synced everything accepted (issue 14, item 4). FAILED makes the wait throw instead.
        return master.await(() -> master.isFlushed(ticket) || state.getVolatile() == JournalState.CLOSED,
                unit.toNanos(timeout));
    }

    /**
     * {@link #flush(long, TimeUnit)} without a practical timeout: returns once every record
     * appended before this call is durable.
     *
     * <p>Threading: any thread; blocks the calling thread.
     *
     * @throws JournalFailedException if the journal failed (before or while waiting)
     * @throws JournalException       if the flush did not complete within the (practically infinite) timeout
     * @throws InterruptedException   if the calling thread was interrupted while waiting
     */
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

    /**
     * The durable watermark: every record with a sequence below this is durable (synced).
     *
     * <p>Threading: any thread; a volatile read, never blocks.
     *
     * @return the first sequence not yet known to be durable
     */
    public long durableSequence() {
        return master.durableSequence();
    }

    /**
     * The written watermark: every record with a sequence below this has been written to a segment,
     * so readers (in this or another process) can see it; it is not necessarily durable.
     *
     * <p>Threading: any thread; a volatile read, never blocks.
     *
     * @return the first sequence not yet written
     */
    public long writtenSequence() {
        return master.writtenSequence();
    }

    // ------------------------------------------------------------------ reading and state

    /**
     * A new reader from {@code fromSequence} over everything written, live tail included: it
     * returns records as soon as the master has written them, before they are durable.
     *
     * <p>Threading: any thread; the reader returned is not thread-safe (one thread at a time) and
     * must be closed.
     *
     * @param fromSequence the first sequence to read (0 for the start; a sequence below the oldest
     *                     retained record starts at the oldest record)
     * @return a new reader
     * @throws IllegalArgumentException if {@code fromSequence} is negative
     * @throws IOException              if the journal directory cannot be read
     */
    public JournalReader reader(long fromSequence) throws IOException {
        return JournalReader.open(dir, fromSequence, null);
    }

    /**
     * A new reader from {@code fromSequence} that returns only durable records: it stops at
     * {@link #durableSequence()} (returning {@code null} until more is durable).
     *
     * <p>Threading: any thread; the reader returned is not thread-safe (one thread at a time) and
     * must be closed.
     *
     * @param fromSequence the first sequence to read (0 for the start)
     * @return a new reader
     * @throws IllegalArgumentException if {@code fromSequence} is negative
     * @throws IOException              if the journal directory cannot be read
     */
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
     * <p>Threading: any thread; runs the deletion on the calling thread (concurrent appends go on).
     * Durability: on return, the new low-water mark is durable.
     *
     * @param sequence records below this may be deleted
     * @return the paths deleted, oldest first (empty if no segment lies wholly below {@code sequence})
     * @throws JournalClosedException if the journal is closed
     * @throws JournalFailedException if the journal failed
     * @throws IOException            if a file cannot be deleted; or if the manifest write (nothing was
     *                                deleted) or the directory fsync failed, and then the journal has
     *                                failed too, as after any failed sync
     */
    public List<Path> deleteSegmentsBefore(long sequence) throws IOException {
        if (!state.isOpen()) {
            throw state.notOpen();
        }
        final List<Manifest.Entry> removed;
        try {
            removed = master.log().deleteBefore(sequence);
        } catch (java.io.SyncFailedException e) {
            master.failFromAnotherThread(e); // a failed sync is never retried: the journal fails
            throw e;
        }
        final List<Path> paths = new java.util.ArrayList<>(removed.size());
        for (Manifest.Entry e : removed) {
            paths.add(SegmentFiles.segmentPath(dir, e.firstSequence));
        }
        return paths;
    }

    /**
     * The retention low-water mark: the first sequence still retained.
     *
     * <p>Threading: any thread.
     *
     * @return the first retained sequence (0 until {@link #deleteSegmentsBefore} deletes something)
     */
    public long lowWaterSequence() {
        return master.log().lowWaterSequence();
    }

    /**
     * What recovery found and did when this journal was opened.
     *
     * <p>Threading: any thread; the report is immutable.
     *
     * @return the report, never null
     */
    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    /**
     * The journal's directory, as an absolute path.
     *
     * <p>Threading: any thread.
     *
     * @return the directory
     */
    public Path directory() {
        return dir;
    }

    /**
     * The configuration this journal was opened with.
     *
     * <p>Threading: any thread; the configuration is immutable.
     *
     * @return the configuration
     */
    public JournalConfig config() {
        return config;
    }

    /**
     * Whether appends are accepted: false once {@link #close()} began or the journal failed.
     *
     * <p>Threading: any thread; a volatile read.
     *
     * @return true while open
     */
    public boolean isOpen() {
        return state.isOpen();
    }

    /**
     * The failure that stopped the journal (for example a failed sync), or null.
     *
     * <p>Threading: any thread.
     *
     * @return the cause, or null if the journal has not failed
     */
    public Throwable failure() {
        return state.failure();
    }

    /**
     * A snapshot of the journal's counters and histograms. Cheap enough for once a second, not
     * for every append (it walks every staging ring and copies two histograms).
     *
     * <p>Threading: any thread; never blocks appends or the master.
     *
     * @return a new snapshot
     */
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
                master.writtenSequence(), master.durableSequence(), master.log().rolls(),
                master.log().rollWaitNanos(), master.log().sealWaitNanos(), masterMetrics.errors());
    }

    /** Staging ring fill ratio above which the journal reports {@link Health#DEGRADED}. */
    static final double STAGING_DEGRADED_RATIO = 0.8;

    /** How long past the moment its sync policy wanted a sync unsynced data may wait before DEGRADED. */
    static final long UNSYNCED_GRACE_NANOS = 1_000_000_000L;

    /**
     * The journal's health: {@link Health#OK}; {@link Health#DEGRADED} when a staging ring is more
     * than 80% full, unsynced data is more than 1 s older than the sync policy allows, or the last
     * sync was slower than the slow-sync threshold; {@link Health#FAILED}; or {@link Health#CLOSED}
     * (also while closing).
     *
     * <p>Threading: any thread; cheap (a few volatile reads per staging ring).
     *
     * @return the health, never null
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

    /**
     * Why {@link #health()} is not OK, one phrase per reason.
     *
     * <p>Threading: any thread; cheap.
     *
     * @return a new list, empty when healthy
     */
    public List<String> healthReasons() {
        final List<String> reasons = new java.util.ArrayList<>();
        final Throwable failure = state.failure();
        if (failure != null) {
            reasons.add("failed: " + failure);
            return reasons;
        }
        // One reason for every ring over the threshold together (16 full rings are one symptom:
        // the master is not keeping up), naming the fullest.
        final int count = pool.allocated();
        int over = 0;
        int fullest = -1;
        double fullestRatio = 0;
        for (int i = 0; i < count; i++) {
            final StagingRing ring = pool.ring(i);
            final double ratio = (double) ring.occupancy() / ring.capacity();
            if (ratio > STAGING_DEGRADED_RATIO) {
                over++;
                if (fullest < 0 || ratio > fullestRatio) {
                    fullest = i;
                    fullestRatio = ratio;
                }
            }
        }
        if (over == 1) {
            reasons.add(String.format("staging ring %d is %.0f%% full", fullest, fullestRatio * 100));
        } else if (over > 1) {
            reasons.add(String.format("%d staging rings are over %.0f%% full (the fullest, ring %d, is %.0f%% full)", over,
                    STAGING_DEGRADED_RATIO * 100, fullest, fullestRatio * 100));
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

    /** How the appends publish (with a global ticket in total order). */
    TicketSource tickets() {
        return tickets;
    }

    StagingPool pool() {
        return pool;
    }

    /**
     * Closes the journal: refuses new appends ({@link JournalClosedException}), drains every
     * staging ring, syncs, records the exact end in the manifest, unmaps and closes every file and
     * releases the directory lock, all before returning. Idempotent. After a failure it releases
     * resources and returns.
     *
     * <p>Threading: any thread; blocks until the master has stopped. An append racing close
     * either is written (and durable) or throws {@link JournalClosedException}. Durability: on a
     * normal return every record whose append returned a receipt is durable.
     *
     * @throws IOException if the journal fails during this close (its final sync or manifest write
     *                     failed): the resources are released, but what was appended is not known
     *                     to be durable; reopening runs recovery. An
     *                     {@link java.io.InterruptedIOException} if the thread was interrupted while
     *                     waiting for the master.
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
