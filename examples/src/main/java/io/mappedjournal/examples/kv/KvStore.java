package io.mappedjournal.examples.kv;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.JournalWriter;
import io.mappedjournal.policy.Backpressure;
import io.mappedjournal.policy.SyncPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small key-value store (string keys, string values) that uses a mapped-journal as its
 * write-ahead log: every change is logged, then applied to an in-memory map, then acknowledged
 * once its record is durable. Periodic checkpoints write the map to a snapshot file; on open the
 * store loads the snapshot and replays only the journal records after it.
 *
 * <h2>Durability contract</h2>
 * When {@link #put} or {@link #delete} returns normally, its change is durable (its journal record
 * was synced): it survives a process crash ({@code kill -9}) and a power cut, and is visible after
 * {@link #open reopening}. A change whose call threw or never returned may or may not survive.
 * Changes are applied before they are acknowledged, so {@link #get} can return a value whose
 * {@code put} has not returned yet (and which, if the process dies before that, may be gone after
 * restart). After a restart the state is exactly the result of a prefix of the logged changes, in
 * log order, containing every acknowledged one.
 *
 * <h2>Threading</h2>
 * Every method may be called from any thread. Changes are serialised by one short lock held only
 * to append the record (a copy into the journal's staging memory, no I/O) and to apply it, so the
 * order of changes in the map is exactly their order in the journal: replay rebuilds exactly the
 * state a live store had. The wait for durability happens outside the lock, so concurrent callers
 * share one sync (group commit). {@link #get} takes no lock.
 *
 * <h2>Journal records</h2>
 * One record per change, little-endian, 3 bytes of overhead:
 * <pre>
 *   PUT:    op = 1 (uint8) | key length (uint16) | key (UTF-8) | value (UTF-8, the rest of the record)
 *   DELETE: op = 2 (uint8) | key length (uint16) | key (UTF-8)
 * </pre>
 * A key is at most 65535 UTF-8 bytes; a whole record at most the journal's {@code maxRecordSize}
 * (64 KiB by default). A {@code delete} of an absent key logs nothing.
 *
 * <h2>Checkpoints and restart</h2>
 * A checkpoint copies the map and the sequence {@code S} of the next journal record (under the
 * lock, so the copy reflects exactly the records below {@code S}), waits until the journal is
 * durable up to {@code S} (a snapshot must never cover a record a crash could still lose: a new
 * record would reuse its sequence and be skipped by replay), then writes the snapshot atomically
 * (temp file, fsync, rename, directory fsync). {@link #open} loads the snapshot and replays
 * records {@code S, S+1, ...}, checking the sequences are contiguous; so restart time depends on
 * the changes since the last checkpoint (plus the journal's own recovery scan). Checkpoints run
 * every {@link Options.Builder#checkpointEvery N changes} on a background thread, on
 * {@link #checkpoint() demand} and at {@link #close()}.
 *
 * <p>Files: {@code <dir>/journal/} (the journal) and {@code <dir>/snapshot}. The journal's
 * directory lock also guards the snapshot: one store per directory, one process at a time.
 * The journal is never truncated (it has no retention yet): old segments stay on disk.
 */
public final class KvStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvStore.class);
    static final String JOURNAL_DIR = "journal";

    private final Path dir;
    private final Options options;
    private final Journal journal;
    private final OpenReport openReport;
    private final ConcurrentHashMap<String, String> map;

    /** Serialises changes: append, apply, and the counters below. */
    private final ReentrantLock lock = new ReentrantLock();
    /** The one writer of the store (one staging ring: journal order = append order). Guarded by lock. */
    private final JournalWriter writer;
    /** Sequence the next appended record gets. Guarded by lock. */
    private long nextSequence;
    /** Receipt of the last record appended by this process, or -1. Guarded by lock. */
    private long lastReceipt = -1;
    /** Changes since the last checkpoint started. Guarded by lock. */
    private long changesSinceCheckpoint;
    /** Set under lock; read without. */
    private volatile boolean closed;

    /** Serialises checkpoints, and close against them. */
    private final Object checkpointLock = new Object();
    /** Guarded by checkpointLock. */
    private boolean journalClosed;
    private volatile long checkpointSequence;
    private final AtomicLong checkpoints = new AtomicLong();
    private final AtomicBoolean checkpointScheduled = new AtomicBoolean();
    private final ExecutorService checkpointer;

    private KvStore(Path dir, Options options, Journal journal, long snapshotSequence, int snapshotEntries,
                    Map<String, String> state, long replayed, long nextSequence, long openNanos) {
        this.dir = dir;
        this.options = options;
        this.journal = journal;
        this.map = new ConcurrentHashMap<>(state);
        this.writer = journal.openWriter();
        this.nextSequence = nextSequence;
        this.checkpointSequence = snapshotSequence;
        this.openReport = new OpenReport(snapshotSequence, snapshotEntries, replayed, nextSequence, openNanos);
        this.checkpointer = options.checkpointEvery > 0 ? Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "kv-checkpoint:" + dir.getFileName());
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** {@link #open(Path, Options)} with default options. */
    public static KvStore open(Path dir) throws IOException {
        return open(dir, Options.defaults());
    }

    /**
     * Opens (or creates) the store in {@code dir}: opens the journal (which runs its own
     * recovery), loads the snapshot, replays the journal records after it. Single-threaded;
     * returns a store ready for use from any thread.
     *
     * @throws KvStoreException if the snapshot or a record is damaged, a record is missing, or the
     *                          snapshot covers records the journal does not have
     * @throws io.mappedjournal.JournalLockedException if another store has the directory open
     * @throws IOException on an I/O failure
     */
    public static KvStore open(Path dir, Options options) throws IOException {
        final long start = System.nanoTime();
        Files.createDirectories(dir);
        final Journal journal = Journal.open(JournalConfig.builder(dir.resolve(JOURNAL_DIR))
                .syncPolicy(options.syncPolicy)
                .segmentSize(options.segmentSize)
                .backpressure(Backpressure.BLOCK) // never DROP a change
                .build());
        try {
            Files.deleteIfExists(dir.resolve(Snapshot.TEMP)); // a checkpoint interrupted by a crash
            final Snapshot snapshot = Snapshot.read(dir);
            final long journalEnd = journal.writtenSequence();
            if (snapshot.coveredSequence > journalEnd) {
                throw new KvStoreException("snapshot is ahead of the journal: snapshotSequence="
                        + snapshot.coveredSequence + " journalNextSequence=" + journalEnd + " dir=" + dir
                        + " (the journal lost records the snapshot covers, or belongs to another store)");
            }
            final int snapshotEntries = snapshot.entries.size();
            final Map<String, String> state = snapshot.entries; // replayed into in place
            long expected = snapshot.coveredSequence;
            try (JournalReader reader = journal.reader(snapshot.coveredSequence)) {
                for (JournalRecord r; (r = reader.next()) != null; ) {
                    if (r.sequence() != expected) {
                        throw new KvStoreException("journal record missing during replay: expectedSequence=" + expected
                                + " foundSequence=" + r.sequence() + " segment=" + r.segment() + " dir=" + dir);
                    }
                    KvRecords.apply(r.payload(), state, "sequence=" + r.sequence() + " segment=" + r.segment());
                    expected++;
                }
            }
            if (expected != journalEnd) {
                throw new KvStoreException("replay ended early: replayedUpTo=" + expected
                        + " journalNextSequence=" + journalEnd + " dir=" + dir);
            }
            final KvStore store = new KvStore(dir, options, journal, snapshot.coveredSequence, snapshotEntries, state,
                    expected - snapshot.coveredSequence, expected, System.nanoTime() - start);
            LOG.info("opened kv store {}: {}", dir, store.openReport);
            return store;
        } catch (IOException | RuntimeException e) {
            try {
                journal.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The value of {@code key}, or null. Lock-free; may see a put not yet acknowledged (see class doc). */
    public String get(String key) {
        return map.get(Objects.requireNonNull(key, "key"));
    }

    /** Number of keys. */
    public int size() {
        return map.size();
    }

    /** A copy of the whole map; consistent (taken under the change lock). */
    public Map<String, String> snapshot() {
        lock.lock();
        try {
            return new HashMap<>(map);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets {@code key} to {@code value}: logs the change, applies it, and returns once its journal
     * record is durable (see the class doc).
     *
     * @throws IllegalArgumentException if the key or the record is too long (nothing changed)
     * @throws KvStoreException if the store is closed or failed (nothing changed), or the change
     *                          was logged but not acknowledged durable within the ack timeout or
     *                          because the journal failed (then the store is failed)
     * @throws InterruptedException if interrupted while waiting for durability (the change was
     *                              logged and applied, but is not acknowledged)
     */
    public void put(String key, String value) throws InterruptedException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        final byte[] record = KvRecords.put(key, value);
        checkSize(record);
        final long receipt;
        final boolean checkpointDue;
        lock.lock();
        try {
            checkOpen();
            receipt = append(record);
            map.put(key, value);
            checkpointDue = ++changesSinceCheckpoint >= options.checkpointEvery && options.checkpointEvery > 0;
        } finally {
            lock.unlock();
        }
        if (checkpointDue) {
            scheduleCheckpoint();
        }
        awaitAck(receipt, "put", key);
    }

    /**
     * Removes {@code key}. Returns once the key's absence is durable: its DELETE record, or, if the
     * key was already absent, every earlier change.
     *
     * @return true if the key was present
     * @throws KvStoreException     as {@link #put}
     * @throws InterruptedException as {@link #put}
     */
    public boolean delete(String key) throws InterruptedException {
        Objects.requireNonNull(key, "key");
        final byte[] record = KvRecords.delete(key);
        final long receipt;
        final boolean present;
        boolean checkpointDue = false;
        lock.lock();
        try {
            checkOpen();
            present = map.containsKey(key);
            if (present) {
                receipt = append(record);
                map.remove(key);
                checkpointDue = ++changesSinceCheckpoint >= options.checkpointEvery && options.checkpointEvery > 0;
            } else {
                receipt = lastReceipt; // the absence may come from a delete still being synced
            }
        } finally {
            lock.unlock();
        }
        if (checkpointDue) {
            scheduleCheckpoint();
        }
        if (receipt >= 0) {
            awaitAck(receipt, "delete", key);
        }
        return present;
    }

    /** Under lock. Nothing is changed if this throws. */
    private long append(byte[] record) {
        final long receipt;
        try {
            receipt = writer.append(record);
        } catch (io.mappedjournal.JournalException e) {
            throw new KvStoreException("change not logged: " + e.getMessage() + " dir=" + dir, e);
        }
        if (receipt == Journal.DROPPED) { // impossible under BLOCK; checked so a config change cannot lose data
            throw new KvStoreException("change not logged: the journal dropped it dir=" + dir);
        }
        nextSequence++;
        lastReceipt = receipt;
        return receipt;
    }

    private void awaitAck(long receipt, String op, String key) throws InterruptedException {
        final boolean durable;
        try {
            durable = journal.awaitDurable(receipt, options.ackTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (io.mappedjournal.JournalException e) {
            throw new KvStoreException(op + " not acknowledged: the journal failed key=" + key + " dir=" + dir
                    + " cause=" + e.getMessage(), e);
        }
        if (!durable) {
            throw new KvStoreException(op + " not acknowledged: not durable within ackTimeoutMs="
                    + options.ackTimeout.toMillis() + " key=" + key + " dir=" + dir);
        }
    }

    private void checkSize(byte[] record) {
        if (record.length > journal.config().maxRecordSize()) {
            throw new IllegalArgumentException("entry too large: recordBytes=" + record.length
                    + " maxRecordSize=" + journal.config().maxRecordSize());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new KvStoreException("store is closed: dir=" + dir);
        }
        if (!journal.isOpen()) {
            throw new KvStoreException("store failed: its journal is not open dir=" + dir
                    + " cause=" + journal.failure());
        }
    }

    private void scheduleCheckpoint() {
        if (checkpointer == null || !checkpointScheduled.compareAndSet(false, true)) {
            return; // one is queued or running: it re-checks when done (see runScheduledCheckpoint)
        }
        try {
            checkpointer.execute(this::runScheduledCheckpoint);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            checkpointScheduled.set(false); // closing
        }
    }

    /**
     * Background: checkpoints until fewer than {@code checkpointEvery} changes came in meanwhile.
     * A trigger that arrives while this runs is not lost: it is seen by the re-check.
     */
    private void runScheduledCheckpoint() {
        boolean ok = false;
        try {
            do {
                checkpointInternal();
            } while (checkpointDue() && !closed);
            ok = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // Not fatal: the journal still holds every change; the next change due retries.
            LOG.warn("background checkpoint failed: dir={} cause={}", dir, e.toString());
        } finally {
            checkpointScheduled.set(false);
        }
        if (ok && !closed && checkpointDue()) {
            scheduleCheckpoint(); // due between the last check and clearing the flag
        }
    }

    private boolean checkpointDue() {
        lock.lock();
        try {
            return options.checkpointEvery > 0 && changesSinceCheckpoint >= options.checkpointEvery;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes a checkpoint now (see the class doc) and returns the sequence it covers: the next
     * open replays only records from there. Blocks changes only while the map is copied; waits
     * for durability and writes the file without the lock. Concurrent calls run one at a time.
     *
     * @throws KvStoreException if the store is closed, or the journal did not become durable up
     *                          to the checkpoint within the ack timeout
     * @throws IOException if the snapshot cannot be written (the previous one stays valid)
     */
    public long checkpoint() throws IOException, InterruptedException {
        if (closed) {
            throw new KvStoreException("store is closed: dir=" + dir);
        }
        return checkpointInternal();
    }

    private long checkpointInternal() throws IOException, InterruptedException {
        synchronized (checkpointLock) {
            if (journalClosed) {
                throw new KvStoreException("store is closed: dir=" + dir);
            }
            final Map<String, String> copy;
            final long sequence;
            lock.lock();
            try {
                sequence = nextSequence;
                changesSinceCheckpoint = 0;
                if (sequence == checkpointSequence) {
                    return sequence; // nothing changed since the last one
                }
                copy = new HashMap<>(map);
            } finally {
                lock.unlock();
            }
            if (!journal.flush(options.ackTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new KvStoreException("checkpoint aborted: journal not durable within ackTimeoutMs="
                        + options.ackTimeout.toMillis() + " sequence=" + sequence + " dir=" + dir);
            }
            if (journal.durableSequence() < sequence) {
                throw new KvStoreException("checkpoint aborted: journal durable only up to durableSequence="
                        + journal.durableSequence() + " checkpointSequence=" + sequence + " dir=" + dir);
            }
            Snapshot.write(dir, sequence, copy);
            checkpointSequence = sequence;
            checkpoints.incrementAndGet();
            return sequence;
        }
    }

    /** The journal sequence the last snapshot written or loaded covers (records below it). */
    public long checkpointSequence() {
        return checkpointSequence;
    }

    /** Checkpoints written by this instance (on demand, background and at close). */
    public long checkpointsWritten() {
        return checkpoints.get();
    }

    /** What {@link #open} found: snapshot, records replayed, time taken. */
    public OpenReport openReport() {
        return openReport;
    }

    /** The store's directory. */
    public Path directory() {
        return dir;
    }

    /**
     * Closes the store: refuses new changes, waits for a running background checkpoint, writes a
     * final checkpoint (if {@link Options.Builder#checkpointOnClose enabled} and the journal is
     * healthy), then closes the journal, which makes every logged change durable. Idempotent.
     * Changes still waiting for their acknowledgement get it (or the journal's failure).
     */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        try {
            if (checkpointer != null) {
                checkpointer.shutdown();
                if (!checkpointer.awaitTermination(options.ackTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("background checkpoint still running at close: dir={}", dir);
                }
            }
            if (options.checkpointOnClose && journal.isOpen()) {
                checkpointInternal();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // skip the final checkpoint; the journal has everything
        } finally {
            synchronized (checkpointLock) { // a checkpoint() racing close finishes first, or refuses
                journalClosed = true;
                lock.lock();
                try {
                    writer.close();
                } finally {
                    lock.unlock();
                }
                journal.close();
            }
        }
    }

    /**
     * What {@link KvStore#open} did.
     *
     * @param snapshotSequence the sequence the loaded snapshot covers (0 if there was none)
     * @param snapshotEntries  keys in the loaded snapshot
     * @param replayedRecords  journal records replayed after it
     * @param nextSequence     the sequence the next change gets
     * @param openNanos        time taken by open, journal recovery included
     */
    public record OpenReport(long snapshotSequence, int snapshotEntries, long replayedRecords, long nextSequence,
                             long openNanos) {
        @Override
        public String toString() {
            return "snapshotSequence=" + snapshotSequence + " snapshotEntries=" + snapshotEntries
                    + " replayedRecords=" + replayedRecords + " nextSequence=" + nextSequence
                    + " openMs=" + openNanos / 1_000_000;
        }
    }

    /** How a store is opened; immutable. Build with {@link #builder()}. */
    public static final class Options {
        final SyncPolicy syncPolicy;
        final long segmentSize;
        final long checkpointEvery;
        final boolean checkpointOnClose;
        final Duration ackTimeout;

        private Options(Builder b) {
            this.syncPolicy = b.syncPolicy;
            this.segmentSize = b.segmentSize;
            this.checkpointEvery = b.checkpointEvery;
            this.checkpointOnClose = b.checkpointOnClose;
            this.ackTimeout = b.ackTimeout;
        }

        /** Every default: see {@link Builder}. */
        public static Options defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link Options}; setters validate at once. */
        public static final class Builder {
            private SyncPolicy syncPolicy = SyncPolicy.batch(Duration.ofMillis(10), Long.MAX_VALUE);
            private long segmentSize = 64L << 20;
            private long checkpointEvery = 10_000;
            private boolean checkpointOnClose = true;
            private Duration ackTimeout = Duration.ofSeconds(30);

            private Builder() {
            }

            /**
             * The journal's sync policy (default batch 10 ms). It only sets when records nobody
             * waits for are synced: every change waits for its record, which makes the journal
             * sync at once.
             */
            public Builder syncPolicy(SyncPolicy policy) {
                this.syncPolicy = Objects.requireNonNull(policy, "syncPolicy");
                return this;
            }

            /** The journal's segment size (default 64 MiB); see {@code JournalConfig.Builder#segmentSize}. */
            public Builder segmentSize(long bytes) {
                this.segmentSize = bytes;
                return this;
            }

            /**
             * A background checkpoint after this many changes (default 10 000); 0 turns them off.
             * Once changes stop, fewer than this many come after the last checkpoint, so a restart
             * replays fewer than this many records (when no checkpoint failed).
             */
            public Builder checkpointEvery(long changes) {
                if (changes < 0) {
                    throw new IllegalArgumentException("checkpointEvery must be >= 0: checkpointEvery=" + changes);
                }
                this.checkpointEvery = changes;
                return this;
            }

            /** Whether {@link KvStore#close()} writes a checkpoint (default true). */
            public Builder checkpointOnClose(boolean enabled) {
                this.checkpointOnClose = enabled;
                return this;
            }

            /** How long a change waits for durability before it fails unacknowledged (default 30 s). */
            public Builder ackTimeout(Duration timeout) {
                if (timeout.isNegative() || timeout.isZero()) {
                    throw new IllegalArgumentException("ackTimeout must be > 0: ackTimeout=" + timeout);
                }
                this.ackTimeout = timeout;
                return this;
            }

            public Options build() {
                return new Options(this);
            }
        }
    }
}
