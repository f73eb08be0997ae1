package io.mappedjournal;

import io.mappedjournal.fileio.DirectoryLock;
import io.mappedjournal.master.JournalState;
import io.mappedjournal.master.Master;
import io.mappedjournal.master.MasterMetrics;
import io.mappedjournal.metrics.MetricsSnapshot;
import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.policy.SyncPolicy;
import io.mappedjournal.staging.StagingPool;
import io.mappedjournal.staging.TicketSource;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An embedded, memory-mapped, append-only journal.
 *
 * <p>Any number of threads append; each appends into its own staging ring (no lock, no shared
 * write, no allocation) and gets a receipt back at once. One master thread copies staged records
 * into the active memory-mapped segment as CRC-protected frames and syncs them per the
 * {@link SyncPolicy} (group commit: one sync covers every record written since the previous one).
 *
 * <p>Guarantees: each producer's records appear in the journal in the order it appended them;
 * a record whose durability wait returned true survives a process crash and a power cut (under
 * every policy: the wait forces a sync); after a crash, reopening recovers a prefix of the append
 * order that contains every record acknowledged durable. A failed sync fails the journal: it is
 * never retried, never reported as success, and every waiter gets the cause.
 *
 * <p>Thread-safety: all methods may be called from any thread (one journal is shared by every
 * thread); a method that blocks the calling thread says so; the writers and readers it returns
 * are used by one thread at a time.
 *
 * <h2 id="appending">Appending and durability</h2>
 *
 * <p>The {@code append} methods append through the calling thread's writer ({@link #writer()}), so
 * appends of different threads never contend. A return means the record is <em>staged</em> (copied
 * into this thread's staging ring), not yet written or durable; the master writes it soon after
 * (then readers see it) and syncs it per the {@link SyncPolicy}. To know it is durable, wait on the
 * receipt ({@link #awaitDurable}, {@link #durableFuture}) or {@link #flush()}.
 *
 * <p>When there is no room (the ring is full, or this thread has no writer yet and every staging
 * ring is taken) the {@link Backpressure} decides: DROP returns {@link #DROPPED}; FAIL throws
 * {@link StagingFullException} at once; BLOCK waits, then throws it after the block timeout, or at
 * once if the thread is interrupted while blocked (keeping its interrupt flag).
 *
 * <p id="durable">A receipt (&gt;= 0) names one appended record; given a negative one (for example
 * {@link #DROPPED}) or one naming no staging ring of this journal, a method throws
 * {@link IllegalArgumentException}. <em>Durable</em> means synced: the record survives a process
 * crash or a power cut, whatever the {@link SyncPolicy}. The waits ({@link #awaitDurable},
 * {@link #durableFuture}, {@link #flush}) ask the master to sync at the end of its current pass
 * rather than at the policy's next sync.
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    /** Returned by an append that was dropped under {@link Backpressure#DROP}. */
    public static final long DROPPED = -1L;

    private final JournalConfig config;
    private final Path dir;
    private final JournalState state;
    private final Master master;
    private final RecoveryReport recoveryReport;
    private final DirectoryLock lock;
    private final ExecutorService futureExecutor;
    /** Serialises the teardown in {@link #close()}: two closers at once would both release the lock. */
    private final java.util.concurrent.locks.ReentrantLock teardown = new java.util.concurrent.locks.ReentrantLock();
    /** The teardown ran (pending unmaps released, JMX unregistered, lock released). Guarded by {@link #teardown}. */
    private boolean tornDown;
    private final WriterPool writers;
    private final MetricsAggregator metrics;
    private final HealthRules health;
    private final DurabilityWaits durability;
    private final Retention retention;
    private final JmxRegistration jmx;

    /** Called by {@link JournalOpener} once the directory is locked, recovered and the master runs. */
    Journal(JournalConfig config, JournalState state, StagingPool pool, Master master, MasterMetrics masterMetrics,
            RecoveryReport report, DirectoryLock lock, ExecutorService futureExecutor, TicketSource tickets) {
        this.config = config;
        this.dir = config.directory;
        this.state = state;
        this.master = master;
        this.recoveryReport = report;
        this.lock = lock;
        this.futureExecutor = futureExecutor;
        this.writers = new WriterPool(config, dir, state, pool, master, tickets);
        this.metrics = new MetricsAggregator(pool, writers, master, masterMetrics);
        this.health = new HealthRules(config, state, pool, master);
        this.durability = new DurabilityWaits(state, pool, master);
        this.retention = new Retention(dir, state, master);
        this.jmx = JmxRegistration.register(dir.toString(), this::metrics, () -> health().name(),
                () -> String.join("; ", healthReasons()));
    }

    /**
     * Opens (or creates) a journal in {@code directory} with every default setting: the same as
     * {@code open(JournalConfig.builder(directory).build())}, see {@link #open(JournalConfig)}.
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
     * Opens (or creates) a journal: locks the directory, runs recovery (see {@link #recoveryReport()}),
     * repairs what the recovery mode allows, and starts the master thread. On return the repairs are
     * synced (recovery has made the files consistent and durable) and the journal continues after
     * the last recovered record; nothing has been appended yet.
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
        return JournalOpener.open(config);
    }

    /**
     * Appends a copy of {@code payload} through this thread's writer (see
     * <a href="#appending">appending</a>, {@link JournalWriter#append(byte[])}).
     *
     * @param payload the record's bytes; the array may be reused once this returns
     * @return a receipt for {@link #isDurable}, {@link #awaitDurable} and {@link #durableFuture} (&gt;= 0), or
     *         {@link #DROPPED} if the record was dropped under {@link Backpressure#DROP}
     * @throws NullPointerException     if {@code payload} is null
     * @throws RecordTooLargeException  if the record is longer than {@link JournalConfig#maxRecordSize()}
     * @throws StagingFullException     if there is no room (see <a href="#appending">appending</a>)
     * @throws JournalClosedException   if the journal is closed or closing (or the append raced close and lost)
     * @throws JournalFailedException   if the journal failed
     * @throws IllegalStateException    if this thread's writer has an open {@link JournalWriter.Claim}
     */
    public long append(byte[] payload) {
        final JournalWriter w = writer();
        return w == null ? DROPPED : w.append(payload);
    }

    /**
     * Appends a copy of {@code length} bytes of {@code src} from {@code offset} through this thread's
     * writer (see <a href="#appending">appending</a>, {@link JournalWriter#append(byte[], int, int)}).
     *
     * @param src    the array holding the record
     * @param offset where the record starts in {@code src}
     * @param length the record's length in bytes
     * @return a receipt (&gt;= 0), or {@link #DROPPED} if the record was dropped under {@link Backpressure#DROP}
     * @throws NullPointerException      if {@code src} is null
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not lie within {@code src}
     * @throws RecordTooLargeException  if the record is longer than {@link JournalConfig#maxRecordSize()}
     * @throws StagingFullException     if there is no room (see <a href="#appending">appending</a>)
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
     * writer, leaving the position unchanged (see <a href="#appending">appending</a>,
     * {@link JournalWriter#append(ByteBuffer)}).
     *
     * @param src the buffer holding the record (heap or direct)
     * @return a receipt (&gt;= 0), or {@link #DROPPED} if the record was dropped under {@link Backpressure#DROP}
     * @throws NullPointerException     if {@code src} is null
     * @throws RecordTooLargeException  if the record is longer than {@link JournalConfig#maxRecordSize()}
     * @throws StagingFullException     if there is no room (see <a href="#appending">appending</a>)
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
     * thread's writer (see <a href="#appending">appending</a>, {@link JournalWriter#append(BytesStore, long, int)}).
     *
     * @param src    the store holding the record
     * @param offset where the record starts in {@code src}
     * @param length the record's length in bytes
     * @return a receipt (&gt;= 0), or {@link #DROPPED} if the record was dropped under {@link Backpressure#DROP}
     * @throws NullPointerException     if {@code src} is null
     * @throws IndexOutOfBoundsException if {@code [offset, offset + length)} does not lie within the store
     * @throws RecordTooLargeException  if the record is longer than {@link JournalConfig#maxRecordSize()}
     * @throws StagingFullException     if there is no room (see <a href="#appending">appending</a>)
     * @throws JournalClosedException   if the journal is closed or closing (or the append raced close and lost)
     * @throws JournalFailedException   if the journal failed
     * @throws IllegalStateException    if this thread's writer has an open {@link JournalWriter.Claim}
     */
    public long append(BytesStore<?, ?> src, long offset, int length) {
        final JournalWriter w = writer();
        return w == null ? DROPPED : w.append(src, offset, length);
    }

    /**
     * This thread's writer, bound to it (only this thread may use it) and created on first use,
     * taking a staging ring from the pool. When the thread dies its ring is drained and reused;
     * {@link JournalWriter#close()} releases it earlier.
     *
     * @return this thread's writer, or {@code null} under {@link Backpressure#DROP} when this thread has
     *         none yet and every staging ring is taken (the attempt is counted as dropped)
     * @throws StagingFullException   if this thread has no writer yet and every staging ring is taken
     *                                (see <a href="#appending">appending</a>)
     * @throws JournalClosedException if the journal is closed or closing and this thread has no open writer
     * @throws JournalFailedException if the journal failed and this thread has no open writer
     */
    public JournalWriter writer() {
        return writers.writer();
    }

    /**
     * A new writer not bound to a thread, with its own staging ring: usable by one thread at a
     * time (hand it over with a happens-before edge, e.g. through a queue), released by
     * {@link JournalWriter#close()}, which the caller must call.
     *
     * @return a new writer, or {@code null} under {@link Backpressure#DROP} when every staging ring is
     *         taken (the attempt is counted as dropped)
     * @throws StagingFullException   if every staging ring is taken (see <a href="#appending">appending</a>)
     * @throws JournalClosedException if the journal is closed or closing
     * @throws JournalFailedException if the journal failed
     */
    public JournalWriter openWriter() {
        return writers.openWriter();
    }

    /**
     * Whether the record behind {@code receipt} is <a href="#durable">durable</a> now. Lock-free,
     * never blocks and does not ask for a sync.
     *
     * @param receipt a receipt returned by an append of this journal
     * @return true if the record is durable
     * @throws IllegalArgumentException if {@code receipt} is negative or names no staging ring of this journal
     */
    public boolean isDurable(long receipt) {
        return durability.isDurable(receipt);
    }

    /**
     * Waits (blocking the calling thread: it parks, no busy spin) until the record behind
     * {@code receipt} is <a href="#durable">durable</a>. On a closed journal it returns at once
     * whether the record was made durable (close syncs every record it accepted).
     *
     * @param receipt a receipt returned by an append of this journal
     * @param timeout how long to wait at most
     * @param unit    the unit of {@code timeout}
     * @return true once durable (synced: survives a process crash or a power cut); false if the
     *         timeout passed first
     * @throws JournalFailedException   if the journal failed before the record was durable
     * @throws InterruptedException     if the calling thread was interrupted while waiting
     * @throws NullPointerException     if {@code unit} is null
     * @throws IllegalArgumentException if {@code receipt} is negative or names no staging ring of this journal
     */
    public boolean awaitDurable(long receipt, long timeout, TimeUnit unit) throws InterruptedException {
        return durability.awaitDurable(receipt, timeout, unit);
    }

    /**
     * A future completed once the record behind {@code receipt} is <a href="#durable">durable</a>.
     * Never blocks. The future is completed on a journal-owned thread that is not the master (or is
     * already complete on return); dependent stages run there unless given an executor, so keep
     * them short.
     *
     * @param receipt a receipt returned by an append of this journal
     * @return a future completed normally once the record is durable, or exceptionally with
     *         {@link JournalFailedException} if the journal fails first, or with
     *         {@link JournalClosedException} if the journal closes without the record
     * @throws IllegalArgumentException if {@code receipt} is negative or names no staging ring of this journal
     */
    public CompletableFuture<Void> durableFuture(long receipt) {
        return durability.durableFuture(receipt);
    }

    /**
     * Waits (blocking the calling thread) until every record appended, by any thread, before this
     * call is <a href="#durable">durable</a>. On a closed journal it returns true at once: close
     * made every accepted record durable.
     *
     * @param timeout how long to wait at most
     * @param unit    the unit of {@code timeout}
     * @return true once every append that returned before this call is durable; false if the
     *         timeout passed first
     * @throws JournalFailedException if the journal failed (before or while waiting)
     * @throws InterruptedException   if the calling thread was interrupted while waiting
     * @throws NullPointerException   if {@code unit} is null
     */
    public boolean flush(long timeout, TimeUnit unit) throws InterruptedException {
        return durability.flush(unit.toNanos(timeout));
    }

    /**
     * {@link #flush(long, TimeUnit)} without a practical timeout: blocks until every record appended
     * before this call is durable.
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

    /**
     * {@return the durable watermark, the first sequence not yet known to be durable} Every record
     * below it is durable (synced). A volatile read, never blocks.
     */
    public long durableSequence() {
        return master.durableSequence();
    }

    /**
     * {@return the written watermark, the first sequence not yet written} Every record below it is in
     * a segment, so readers in this or another process see it; not necessarily durable. A volatile
     * read, never blocks.
     */
    public long writtenSequence() {
        return master.writtenSequence();
    }

    /**
     * A new reader from {@code fromSequence} over everything written, live tail included: it
     * returns records as soon as the master has written them, before they are durable. The reader
     * is not thread-safe (one thread at a time) and must be closed.
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
     * {@link #durableSequence()} (returning {@code null} until more is durable). The reader is not
     * thread-safe (one thread at a time) and must be closed.
     *
     * @param fromSequence the first sequence to read (0 for the start)
     * @return a new reader
     * @throws IllegalArgumentException if {@code fromSequence} is negative
     * @throws IOException              if the journal directory cannot be read
     */
    public JournalReader durableReader(long fromSequence) throws IOException {
        return JournalReader.open(dir, fromSequence, master::durableSequence);
    }

    /**
     * Retention: deletes every whole sealed segment whose records all lie below {@code sequence};
     * never the active segment, so records from the active segment's first sequence on are always
     * kept. The manifest that no longer names them (with the new low-water mark) is written and
     * synced first, the files are deleted after, then the directory is fsynced; a crash in between
     * leaves files that the next open deletes. Safe with readers in this or other processes (they
     * keep reading a segment they have mapped; a reader positioned below the low-water mark moves
     * on to the oldest retained record). Runs on the calling thread (concurrent appends go on); on
     * return, the new low-water mark is durable.
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
        return retention.deleteSegmentsBefore(sequence);
    }

    /**
     * {@return the retention low-water mark, the first sequence still retained} 0 until
     * {@link #deleteSegmentsBefore} deletes something.
     */
    public long lowWaterSequence() {
        return retention.lowWaterSequence();
    }

    /** {@return what recovery found and did when this journal was opened, never null} The report is immutable. */
    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    /** {@return the journal's directory, as an absolute path} */
    public Path directory() {
        return dir;
    }

    /** {@return the configuration this journal was opened with} The configuration is immutable. */
    public JournalConfig config() {
        return config;
    }

    /**
     * {@return whether appends are accepted: false once {@link #close()} began or the journal failed}
     * A volatile read.
     */
    public boolean isOpen() {
        return state.isOpen();
    }

    /** {@return the failure that stopped the journal (for example a failed sync), or null if it has not failed} */
    public Throwable failure() {
        return state.failure();
    }

    /**
     * {@return a new snapshot of the journal's counters and histograms} Never blocks appends or the
     * master; cheap enough for once a second, not for every append (it walks every staging ring and
     * copies two histograms).
     */
    public MetricsSnapshot metrics() {
        return metrics.snapshot();
    }

    /**
     * The journal's health: {@link Health#OK}; {@link Health#DEGRADED} when a staging ring is more
     * than 80% full, unsynced data is more than 1 s older than the sync policy allows, or the last
     * sync was slower than the slow-sync threshold; {@link Health#FAILED}; or {@link Health#CLOSED}
     * (also while closing). Cheap: a few volatile reads per staging ring.
     *
     * @return the health, never null
     */
    public Health health() {
        return health.health();
    }

    /** {@return why {@link #health()} is not OK, one phrase per reason: a new list, empty when healthy} Cheap. */
    public List<String> healthReasons() {
        return health.reasons();
    }

    JournalState state() {
        return state;
    }

    Master master() {
        return master;
    }

    /** Takes {@link #teardown}: waits for it, except on a future thread, which only tries. */
    private boolean acquireTeardown(boolean onFutureThread) {
        if (onFutureThread) {
            return teardown.tryLock();
        }
        teardown.lock();
        return true;
    }

    /**
     * Closes the journal: refuses new appends ({@link JournalClosedException}), drains every
     * staging ring, syncs, records the exact end in the manifest, unmaps and closes every file and
     * releases the directory lock, all before returning (it blocks until the master has stopped).
     * An append racing close either is written (and durable) or throws
     * {@link JournalClosedException}. On a normal return every record whose append returned a
     * receipt is durable. Idempotent, from any thread: a second close (concurrent or later) waits for
     * the first to release the resources, then returns. A close from a {@link #durableFuture}
     * callback never waits for a journal's future thread; while another thread is closing the same
     * journal, it returns once the records are durable and leaves the release of the files and the
     * lock to that thread. After a failure it releases resources and returns.
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
        // A second closer waits for the first one's teardown, then returns. On a future thread (a
        // durableFuture callback, of this journal or another) close never waits for a future
        // thread: not for its own (itself), not for another journal's (whose callback may be
        // closing this journal), and not for a closer that holds the teardown while it waits for
        // this thread; that closer finishes the teardown.
        final boolean onFutureThread = FutureThread.isCurrent();
        if (acquireTeardown(onFutureThread)) {
            try {
                futureExecutor.shutdown();
                if (!onFutureThread) {
                    // every close off the future threads returns after this journal's future thread
                    // ended (or 10 s), also when a callback's close did the rest of the teardown
                    try {
                        futureExecutor.awaitTermination(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (!tornDown) {
                    BackgroundResourceReleaser.releasePendingResources();
                    jmx.close();
                    lock.close();
                    tornDown = true;
                }
            } finally {
                teardown.unlock();
            }
        }
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
