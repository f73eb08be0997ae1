package io.mappedjournal.model;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.Journal;
import io.mappedjournal.JournalClosedException;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.JournalWriter;
import io.mappedjournal.RecordTooLargeException;
import io.mappedjournal.StagingFullException;
import io.mappedjournal.TestSeams;
import io.mappedjournal.master.Master;
import io.mappedjournal.model.Program.*;
import io.mappedjournal.model.ReferenceModel.Producer;
import io.mappedjournal.policy.Ordering;
import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.policy.SyncPolicy;
import net.openhft.chronicle.bytes.BytesStore;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Runs one {@link Program} against a real journal (64 KiB segments, in {@code root}) and the
 * {@link ReferenceModel}, checking after every step what the step promises, and after every
 * crash the guarantee: acknowledged-durable records recovered, a prefix without holes, byte for
 * byte, each producer's order (total order where chosen). Then the program continues on the
 * recovered journal. A broken promise throws an {@link AssertionError} naming the step.
 */
final class ProgramRunner implements AutoCloseable {
    static final int SEGMENT = 64 << 10;
    private static final long WAIT_SECONDS = 10;

    /** Totals over every program run in this JVM, for the report. */
    static final long[] TOTALS = new long[6]; // programs, steps, records accepted, crashes, recoveries checked, reads
    /** Appends refused because interrupted while blocked on a full staging ring (issue 14 item 5). */
    static final java.util.concurrent.atomic.AtomicLong TOTALS_REFUSED_INTERRUPTED = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Skip-corrupted recoveries that left holes (a reported gap before, between or after the records
     * salvaged), after which the program continued from a point-in-time recovery of the same image.
     */
    static final java.util.concurrent.atomic.AtomicLong TOTALS_HOLES_SET_ASIDE = new java.util.concurrent.atomic.AtomicLong();

    /** Time spent per step kind (and opening, finishing), for tuning the default run. */
    static final Map<String, Long> STEP_NANOS = new java.util.concurrent.ConcurrentHashMap<>();
    /** Steps run per step kind, for the report. */
    static final Map<String, Long> STEP_COUNTS = new java.util.concurrent.ConcurrentHashMap<>();

    private final Program program;
    private final boolean asWritten;
    private final Path root;
    private final ReferenceModel model;
    private final Worker[] workers = new Worker[Program.WORKERS];
    private final List<Tail> tails = new ArrayList<>();
    private PowerCut syncer;
    private Journal journal;
    private Path dir;
    private int dirs;
    private JournalReader observer;
    /** The low-water mark when the last crash struck. */
    private long lowBefore;
    private final StringBuilder trace = new StringBuilder();

    /** A producer thread of the program, with the writer it appends through. */
    private static final class Worker {
        final ExecutorService exec;
        /** A writer of its own ({@code openWriter()}), else the thread's writer. */
        JournalWriter own;
        JournalWriter lastWriter;
        Producer producer;
        long lastReceipt = -1;
        Producer lastProducer;
        int lastCount;

        Worker(int index) {
            exec = Executors.newSingleThreadExecutor(r -> new Thread(r, "model-worker-" + index));
        }

        <T> T call(Callable<T> task) throws Exception {
            final Future<T> f = exec.submit(task);
            try {
                return f.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception ex) {
                    throw ex;
                }
                throw new AssertionError(e.getCause());
            } catch (TimeoutException e) {
                throw new AssertionError("a worker step did not finish within 60 s (hang?)", e);
            }
        }

        void forgetWriters() {
            own = null;
            lastWriter = null;
            producer = null;
            lastReceipt = -1;
            lastProducer = null;
        }
    }

    /** A reader kept open across steps. */
    private static final class Tail {
        final JournalReader reader;
        final boolean durableOnly;
        final String opened;
        long next;

        Tail(JournalReader reader, boolean durableOnly, long next, String opened) {
            this.reader = reader;
            this.durableOnly = durableOnly;
            this.next = next;
            this.opened = opened;
        }
    }

    /**
     * @param asWritten run every step as written (a checked-in counterexample); otherwise the
     *                  {@link ModelGates} that are off turn the steps reaching known open defects into
     *                  their safe variants (generated programs)
     */
    ProgramRunner(Program program, Path root, boolean asWritten) {
        this.asWritten = asWritten;
        this.program = program;
        this.root = root;
        this.model = new ReferenceModel(program.setup().ordering() == Ordering.TOTAL);
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i);
        }
    }

    private JournalConfig.Builder config(Path d, RecoveryMode mode) {
        final Setup s = program.setup();
        final SyncPolicy policy = switch (s.sync()) {
            case ALWAYS -> SyncPolicy.always();
            case NONE -> SyncPolicy.none();
            case BATCH -> SyncPolicy.batch(Duration.ofMillis(s.batchMillis()), s.batchBytes());
        };
        return JournalConfig.builder(d).segmentSize(SEGMENT).maxRecordSize(Program.MAX_RECORD)
                .stagingBufferSize(16 << 10).maxWriters(16).checkpointBytes(s.checkpointBytes())
                .syncPolicy(policy).ordering(s.ordering()).recoveryMode(mode)
                .blockTimeout(Duration.ofSeconds(WAIT_SECONDS));
    }

    void run() throws Exception {
        TOTALS[0]++;
        dir = newDir();
        final long o0 = System.nanoTime();
        openContinuing(program.setup().mode(), true);
        STEP_NANOS.merge("open", System.nanoTime() - o0, Long::sum);
        final List<Step> steps = program.steps();
        for (int i = 0; i < steps.size(); i++) {
            final Step step = steps.get(i);
            trace.append(i).append(": ").append(step).append('\n');
            final long t0 = System.nanoTime();
            try {
                execute(step);
                STEP_NANOS.merge(step.getClass().getSimpleName(), System.nanoTime() - t0, Long::sum);
                STEP_COUNTS.merge(step.getClass().getSimpleName(), 1L, Long::sum);
            } catch (AssertionError | Exception e) {
                throw new AssertionError("step " + i + " " + step + " of " + program.setup() + ": " + e + "\ntrace:\n"
                        + trace, e);
            }
            TOTALS[1]++;
        }
        try {
            final long f0 = System.nanoTime();
            finish();
            STEP_NANOS.merge("finish", System.nanoTime() - f0, Long::sum);
        } catch (AssertionError | Exception e) {
            throw new AssertionError("after the last step, closing " + program.setup() + ": " + e + "\ntrace:\n" + trace,
                    e);
        }
    }

    private void execute(Step step) throws Exception {
        if (step instanceof Append a) {
            append(a);
        } else if (step instanceof Burst b) {
            burst(b);
        } else if (step instanceof AwaitDurable a) {
            awaitDurable(a);
        } else if (step instanceof Flush) {
            check(journal.flush(WAIT_SECONDS, TimeUnit.SECONDS), () -> "flush did not complete within " + WAIT_SECONDS + " s");
            model.ackEverything();
        } else if (step instanceof PolicyDurable p) {
            policyDurable(p);
        } else if (step instanceof Read r) {
            read(r);
        } else if (step instanceof OpenTail t) {
            openTail(t);
        } else if (step instanceof PollTail p) {
            if (!tails.isEmpty()) {
                pollTail(tails.get(p.index() % tails.size()));
            }
        } else if (step instanceof CloseWriter c) {
            final Worker w = workers[c.worker()];
            w.call(() -> {
                if (w.own != null) {
                    w.own.close();
                } else if (w.lastWriter != null) {
                    w.lastWriter.close();
                }
                return null;
            });
            w.own = null;
            w.lastWriter = null;
            w.producer = null;
        } else if (step instanceof OwnWriter o) {
            final Worker w = workers[o.worker()];
            w.call(() -> {
                if (w.own != null) {
                    w.own.close();
                }
                w.own = journal.openWriter();
                return null;
            });
        } else if (step instanceof KillThread k) {
            final Worker old = workers[k.worker()];
            old.exec.shutdown();
            check(old.exec.awaitTermination(10, TimeUnit.SECONDS), () -> "worker thread did not end");
            final Worker w = new Worker(k.worker());
            w.own = old.own; // a writer of its own outlives the thread (handed over through the executor)
            w.lastWriter = old.own;
            w.producer = old.own != null ? old.producer : null;
            workers[k.worker()] = w;
        } else if (step instanceof Delete d) {
            delete(d);
        } else if (step instanceof CloseReopen c) {
            closeReopen(c);
        } else if (step instanceof Crash c) {
            crash(c);
        } else {
            throw new IllegalArgumentException(String.valueOf(step));
        }
    }

    // ------------------------------------------------------------------ appends

    private static final long ABORTED = -2;

    /** Appends on the worker's thread; returns the receipt, or ABORTED. */
    private long appendOne(Worker w, Form form, byte[] b) {
        final JournalWriter writer = w.own != null ? w.own : journal.writer();
        final int len = b.length;
        final byte[] big = new byte[len + 7];
        System.arraycopy(b, 0, big, 3, len);
        switch (form) {
            case BYTES:
                return w.own != null ? writer.append(b) : journal.append(b);
            case BYTES_SLICE:
                return writer.append(big, 3, len);
            case HEAP_BUFFER:
                return writer.append(ByteBuffer.wrap(big, 3, len));
            case DIRECT_BUFFER: {
                final ByteBuffer d = ByteBuffer.allocateDirect(len + 5);
                d.position(2);
                d.put(b);
                d.position(2);
                d.limit(2 + len);
                return writer.append(d);
            }
            case BYTES_STORE:
                return writer.append(BytesStore.wrap(big), 3, len);
            case CLAIM_COMMIT:
            case CLAIM_ABORT: {
                final JournalWriter.Claim c = writer.claim(len);
                c.buffer().write(c.offset(), b, 0, len);
                if (form == Form.CLAIM_ABORT) {
                    c.abort();
                    return ABORTED;
                }
                return c.commit();
            }
            default:
                throw new IllegalArgumentException(form.name());
        }
    }

    /** The producer behind the writer the worker's next append uses (a new one when the writer changed). */
    private Producer producerOf(Worker w) {
        final JournalWriter writer = w.own != null ? w.own : journal.writer();
        if (writer != w.lastWriter || w.producer == null) {
            w.lastWriter = writer;
            w.producer = model.newProducer(w.own != null ? "own" : "thread");
        }
        return w.producer;
    }

    private void append(Append a) throws Exception {
        final Worker w = workers[a.worker()];
        final int epoch = model.nextEpoch();
        w.call(() -> {
            for (int size : a.sizes()) {
                final Producer p = producerOf(w);
                final byte[] b = model.payload(p, size);
                if (a.interrupted()) {
                    Thread.currentThread().interrupt();
                }
                try {
                    final long receipt = appendOne(w, a.form(), b);
                    check(size <= Program.MAX_RECORD, () -> "a record of " + size + " bytes was accepted: maxRecordSize="
                            + Program.MAX_RECORD);
                    if (receipt != ABORTED) {
                        check(receipt >= 0, () -> "append returned " + receipt);
                        model.accepted(p, b, epoch);
                        w.lastReceipt = receipt;
                        w.lastProducer = p;
                        w.lastCount = p.records.size();
                        TOTALS[2]++;
                    }
                } catch (RecordTooLargeException e) {
                    check(size > Program.MAX_RECORD, () -> "a record of " + size + " bytes was refused: " + e.getMessage());
                } catch (StagingFullException e) {
                    // Issue 14 item 5: an interrupted append blocked on a full staging ring is refused at
                    // once, the interrupt flag kept. Refused: not accepted into the model, so if its
                    // (unique) payload is ever read back, feed() reports it as no producer's record.
                    check(a.interrupted() && e.getCause() instanceof InterruptedException,
                            () -> "append refused with " + e + " (interrupted=" + a.interrupted() + ")");
                    check(Thread.currentThread().isInterrupted(), () -> "the interrupt flag was cleared by " + e);
                    TOTALS_REFUSED_INTERRUPTED.incrementAndGet();
                } finally {
                    Thread.interrupted();
                }
            }
            return null;
        });
    }

    private void burst(Burst b) throws Exception {
        final int epoch = model.nextEpoch();
        final int n = Math.max(2, Math.min(b.workers(), workers.length));
        final CountDownLatch start = new CountDownLatch(n);
        final boolean awaitEach = b.awaitEach()
                && (program.setup().ordering() != Ordering.TOTAL || gate(ModelGates.TOTAL_ORDER_CONCURRENT_WAITS));
        final List<Future<Object>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final Worker w = workers[i];
            done.add(w.exec.submit(() -> {
                start.countDown();
                start.await();
                for (int k = 0; k < b.sizes().size(); k++) {
                    final int size = Math.min(b.sizes().get(k), Program.MAX_RECORD);
                    final Producer p = producerOf(w);
                    final byte[] bytes = model.payload(p, size);
                    final long receipt = appendOne(w, Form.values()[k % 6], bytes); // every form but abort
                    model.accepted(p, bytes, epoch);
                    w.lastReceipt = receipt;
                    w.lastProducer = p;
                    w.lastCount = p.records.size();
                    TOTALS[2]++;
                    if (awaitEach) {
                        check(journal.awaitDurable(receipt, WAIT_SECONDS, TimeUnit.SECONDS), () ->
                                "awaitDurable during a burst did not return true within " + WAIT_SECONDS + " s: "
                                        + p.label + " record " + (p.records.size() - 1));
                        model.ack(p, p.records.size());
                    }
                }
                return null;
            }));
        }
        for (Future<Object> f : done) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception ex) {
                    throw ex;
                }
                throw (Error) e.getCause();
            }
        }
    }

    private void awaitDurable(AwaitDurable a) throws Exception {
        final Worker w = workers[a.worker()];
        if (w.lastReceipt < 0) {
            return;
        }
        if (a.future()) {
            try {
                journal.durableFuture(w.lastReceipt).get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("durableFuture not complete within " + WAIT_SECONDS + " s: "
                        + w.lastProducer.label + " record " + (w.lastCount - 1) + " durableSequence="
                        + journal.durableSequence() + " written=" + journal.writtenSequence());
            }
        } else {
            check(journal.awaitDurable(w.lastReceipt, WAIT_SECONDS, TimeUnit.SECONDS), () -> "awaitDurable false after "
                    + WAIT_SECONDS + " s: " + w.lastProducer.label + " record " + (w.lastCount - 1)
                    + " durableSequence=" + journal.durableSequence() + " written=" + journal.writtenSequence());
        }
        model.ack(w.lastProducer, w.lastCount);
    }

    private void policyDurable(PolicyDurable p) throws Exception {
        final Worker w = workers[p.worker()];
        final Setup s = program.setup();
        if (!gate(ModelGates.POLICY_DURABILITY) || w.lastReceipt < 0 || s.sync() == Sync.NONE) {
            return;
        }
        // The policy promises a sync within its interval (ALWAYS: at once); allow 2 s more for a shared machine.
        final long limitMillis = (s.sync() == Sync.BATCH ? s.batchMillis() : 0) + 2000;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMillis);
        while (!journal.isDurable(w.lastReceipt)) {
            check(System.nanoTime() - deadline < 0, () -> "the sync policy " + s + " did not make " + w.lastProducer.label
                    + " record " + (w.lastCount - 1) + " durable within " + limitMillis + " ms with nobody waiting: durableSequence="
                    + journal.durableSequence() + " written=" + journal.writtenSequence() + " health="
                    + journal.healthReasons());
            Thread.sleep(1);
        }
        model.ack(w.lastProducer, w.lastCount);
    }

    // ------------------------------------------------------------------ reading

    /** Reads the journal up to sequence {@code upTo} (written) into the model's stream. */
    private void observe(long upTo) throws IOException {
        if (observer == null) {
            observer = JournalReader.open(dir, model.stream.size());
        }
        while (model.stream.size() < upTo) {
            final JournalRecord r = observer.next();
            check(r != null, () -> "written sequence is " + upTo + " but a reader from " + model.stream.size()
                    + " returned null at " + model.stream.size());
            check(r.sequence() == model.stream.size(), () -> "reader returned sequence " + r.sequence() + ", expected "
                    + model.stream.size());
            final String problem = model.feed(r.payload());
            check(problem == null, () -> problem);
        }
    }

    private long startOf(From from, int permille, long written) {
        switch (from) {
            case ZERO:
                return 0;
            case INSIDE:
                return written * permille / 1000;
            case AT_END:
                return written;
            default:
                return gate(ModelGates.READERS_PAST_END) ? written + 1 + permille % 50 : written;
        }
    }

    private void read(Read r) throws Exception {
        TOTALS[5]++;
        final long written = journal.writtenSequence();
        observe(written);
        final long from = startOf(r.from(), r.permille(), written);
        final long low = journal.lowWaterSequence();
        final long bound = r.durableOnly() ? journal.durableSequence() : written;
        try (JournalReader reader = r.durableOnly() ? journal.durableReader(from) : journal.reader(from)) {
            final Tail t = new Tail(reader, r.durableOnly(), Math.max(from, low), "read from " + from);
            final long reached = readTail(t, low);
            check(from >= bound || reached >= bound, () -> (r.durableOnly() ? "durable " : "") + "reader from " + from
                    + " stopped at " + reached + " below " + (r.durableOnly() ? "durableSequence " : "writtenSequence ")
                    + bound);
        }
    }

    private void openTail(OpenTail o) throws Exception {
        final long written = journal.writtenSequence();
        final long from = startOf(o.from(), o.permille(), written);
        final long low = journal.lowWaterSequence();
        if (tails.size() >= 3) {
            tails.remove(0).reader.close();
        }
        tails.add(new Tail(o.durableOnly() ? journal.durableReader(from) : journal.reader(from), o.durableOnly(),
                Math.max(from, low), (o.durableOnly() ? "durable " : "") + "tail from " + from + " (written " + written
                + ")"));
    }

    private void pollTail(Tail t) throws Exception {
        TOTALS[5]++;
        final long written = journal.writtenSequence();
        observe(written);
        final long bound = t.durableOnly ? journal.durableSequence() : written;
        final long low = journal.lowWaterSequence();
        final long reached = readTail(t, low);
        check(t.next > bound || reached >= bound, () -> t.opened + " stopped at " + reached + " below "
                + (t.durableOnly ? "durableSequence " : "writtenSequence ") + bound);
    }

    /** Reads until null, checking sequence continuity and content; returns the next sequence expected. */
    private long readTail(Tail t, long low) throws IOException {
        for (JournalRecord next; (next = t.reader.next()) != null; ) {
            final JournalRecord rec = next;
            final long seq = rec.sequence();
            final boolean skippedRetention = t.next < low && seq > t.next && seq <= low;
            check(seq == t.next || skippedRetention, () -> t.opened + ": returned sequence " + seq + ", expected " + t.next
                    + " (written " + journal.writtenSequence() + ", lowWater " + low + ")");
            if (t.durableOnly) {
                check(seq < journal.durableSequence(), () -> t.opened + ": returned sequence " + seq
                        + " not below durableSequence " + journal.durableSequence());
            }
            if (seq >= model.stream.size()) {
                observe(seq + 1);
            }
            check(java.util.Arrays.equals(model.stream.get((int) seq), rec.payload()), () -> t.opened + ": record " + seq
                    + " differs from what the journal holds at " + seq + ": " + ReferenceModel.describe(rec.payload())
                    + " vs " + ReferenceModel.describe(model.stream.get((int) seq)));
            t.next = seq + 1;
        }
        return t.next;
    }

    // ------------------------------------------------------------------ retention, close, crash

    private void delete(Delete d) throws Exception {
        final long written = journal.writtenSequence();
        observe(written);
        final long before = journal.lowWaterSequence();
        final long seq = written * d.permille() / 1000;
        journal.deleteSegmentsBefore(seq);
        final long low = journal.lowWaterSequence();
        check(low >= before && low <= Math.max(before, seq), () -> "deleteSegmentsBefore(" + seq + ") moved lowWater from "
                + before + " to " + low);
    }

    private void closeReopen(CloseReopen c) throws Exception {
        closeReaders();
        final List<Future<Object>> racers = new ArrayList<>();
        if (c.race()) {
            final int epoch = model.nextEpoch();
            final CountDownLatch started = new CountDownLatch(workers.length);
            final boolean interrupt = c.interrupted() && gate(ModelGates.INTERRUPTED_APPENDS_RACING_CLOSE);
            for (Worker w : workers) {
                racers.add(w.exec.submit(() -> {
                    boolean first = true;
                    try {
                        for (int k = 0; k < 400; k++) {
                            final Producer p = producerOf(w);
                            final byte[] b = model.payload(p, 1 + k % 61);
                            if (interrupt) {
                                Thread.currentThread().interrupt();
                            }
                            try {
                                final long receipt = appendOne(w, Form.BYTES, b);
                                model.accepted(p, b, epoch);
                                w.lastReceipt = receipt;
                                w.lastProducer = p;
                                w.lastCount = p.records.size();
                                TOTALS[2]++;
                            } catch (JournalClosedException e) {
                                return null; // refused: must not be in the journal
                            } catch (StagingFullException e) {
                                // Issue 14 item 5: interrupted while blocked on a full ring: refused at
                                // once, flag kept; not in the model, so the close's check below fails if
                                // its (unique) payload is in the journal.
                                check(interrupt && e.getCause() instanceof InterruptedException,
                                        () -> "an append racing close was refused with " + e);
                                check(Thread.currentThread().isInterrupted(), () -> "the interrupt flag was cleared by " + e);
                                TOTALS_REFUSED_INTERRUPTED.incrementAndGet();
                            } finally {
                                Thread.interrupted();
                                if (first) {
                                    first = false;
                                    started.countDown();
                                }
                            }
                        }
                    } finally {
                        if (first) {
                            started.countDown();
                        }
                    }
                    return null;
                }));
            }
            check(started.await(30, TimeUnit.SECONDS), () -> "racing appenders did not start");
        }
        journal.close();
        for (Future<Object> f : racers) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("an append racing close failed: " + e.getCause(), e.getCause());
            }
        }
        closeObserver();
        journal = null;
        model.ackEverything(); // close made every accepted record durable
        // On disk: everything accepted, nothing refused.
        observeDirectory(dir, "after a clean close");
        final String complete = model.checkComplete();
        check(complete == null, () -> complete);
        for (Worker w : workers) {
            w.forgetWriters();
        }
        openContinuing(program.setup().mode(), false);
        check(journal.writtenSequence() == model.stream.size(), () -> "reopened after a clean close at " + journal.writtenSequence()
                + ", the journal held " + model.stream.size());
    }

    /** Reads every record of a closed directory past the model's stream into it, and checks there is no more. */
    private void observeDirectory(Path d, String when) throws IOException {
        try (JournalReader r = JournalReader.open(d, model.stream.size())) {
            for (JournalRecord next; (next = r.next()) != null; ) {
                final JournalRecord rec = next;
                check(rec.sequence() == model.stream.size(), () -> when + ": sequence " + rec.sequence() + ", expected "
                        + model.stream.size());
                final String problem = model.feed(rec.payload());
                check(problem == null, () -> when + ": " + problem);
            }
        }
    }

    private void crash(Crash c) throws Exception {
        TOTALS[3]++;
        final long durable = journal.durableSequence();
        final long written = journal.writtenSequence();
        observe(written);
        final int ackedPrefix = model.ackedPrefix();
        check(ackedPrefix >= 0, () -> "an acknowledged record is not among the " + model.stream.size() + " written: "
                + model.checkAcknowledged());
        final long required = Math.max(Math.max(durable, ackedPrefix), c.powerCut() ? 0 : written);
        lowBefore = journal.lowWaterSequence();
        final Random rnd = new Random(c.seed());
        final Map<String, byte[]> image = syncer.capture(dir, manifestMonitor(journal), c.powerCut(), rnd);
        closeReaders();
        closeObserver();
        journal.close(); // the crashed incarnation's files are left behind; the image is what survived
        journal = null;
        for (Worker w : workers) {
            w.forgetWriters();
        }
        final String what = (c.powerCut() ? "power cut" : "halt") + " (durable " + durable + ", written " + written
                + ", acknowledged prefix " + ackedPrefix + ", required " + required + ", lowWater " + lowBefore
                + ", files " + image.keySet() + ")";
        // Every recovery mode but the one continuing checks its own copy, every other crash.
        final RecoveryMode configured = program.setup().mode();
        if (rnd.nextBoolean()) {
            final RecoveryMode other = RecoveryMode.values()[rnd.nextInt(RecoveryMode.values().length)];
            if (other != configured) {
                final Path copy = newDir();
                PowerCut.write(image, copy);
                checkRecovered(copy, image, other, required, what, false);
                deleteTree(copy);
            }
        }
        dir = newDir();
        PowerCut.write(image, dir);
        final RecoveryMode continuing = checkRecovered(dir, image, configured, required, what, true);
        check(continuing != null, () -> what + ": no journal to continue");
    }

    /**
     * Opens {@code d} in {@code mode} and checks the guarantee. With {@code continuing}, the
     * journal stays open as the program's journal (in the configured mode if it gives a journal
     * without holes, else the default) and the model follows it.
     */
    private RecoveryMode checkRecovered(Path d, Map<String, byte[]> image, RecoveryMode mode, long required, String what,
                                        boolean continuing)
            throws Exception {
        TOTALS[4]++;
        final PowerCut s = new PowerCut();
        s.reset(d);
        Journal j;
        try {
            j = Journal.open(TestSeams.syncer(config(d, mode), s).build());
        } catch (CorruptJournalException e) {
            check(mode == RecoveryMode.ABSOLUTE, () -> what + ": recovery in " + mode + " refused the journal: " + e.getMessage());
            if (!continuing) {
                return null;
            }
            return checkRecovered(d, image, RecoveryMode.TOLERATE_TAIL, required, what, true);
        }
        boolean keep = false;
        try {
            final String report = mode + " " + what + "\nrecovery report: " + j.recoveryReport().describe();
            final long low = j.lowWaterSequence();
            final List<Long> seqs = new ArrayList<>();
            final List<byte[]> extra = new ArrayList<>();
            try (JournalReader r = JournalReader.open(d, 0)) {
                for (JournalRecord rec; (rec = r.next()) != null; ) {
                    final long seq = rec.sequence();
                    seqs.add(seq);
                    final byte[] payload = rec.payload();
                    if (seq < model.stream.size()) {
                        check(java.util.Arrays.equals(model.stream.get((int) seq), payload), () -> report + ": recovered record "
                                + seq + " differs: " + ReferenceModel.describe(payload) + " vs written "
                                + ReferenceModel.describe(model.stream.get((int) seq)));
                    } else {
                        extra.add(payload);
                    }
                }
            } catch (CorruptJournalException e) {
                throw new AssertionError(report + ": the reader threw after recovery: " + e.getMessage(), e);
            }
            final long next = j.writtenSequence();
            // A hole: a sequence in [lowWater, next) not read back. Between two records read, but
            // also before the first (skip-corrupted covered the first frames with a skip frame and
            // salvaged later ones, say [21, 27) of [0, 27)) or after the last. The model's stream is
            // indexed by sequence from 0, so it cannot follow a journal with a hole anywhere.
            boolean holes = false;
            long expected = low;
            for (long seq : seqs) {
                if (seq != expected) {
                    holes = true;
                }
                expected = seq + 1;
            }
            if (expected != next) {
                holes = true;
            }
            if (mode == RecoveryMode.SKIP_CORRUPTED) {
                for (long k = Math.max(low, 0); k < required; k++) {
                    final long q = k;
                    check(seqs.contains(q), () -> report + ": record " + q + " (below the required " + required
                            + ") not recovered");
                }
            } else {
                check(!holes, () -> report + ": holes in the recovered sequences " + seqs);
                check(seqs.isEmpty() || seqs.get(0) == low, () -> report + ": first recovered " + seqs.get(0) + " but lowWater "
                        + low);
                check(low <= lowBefore, () -> report + ": lowWater " + low + " after recovery, " + lowBefore + " before the crash");
                check(next >= required, () -> report + ": recovered up to " + next + ", but " + required
                        + " records were durable, acknowledged or (halt) written");
                check(seqs.isEmpty() || seqs.get(seqs.size() - 1) == next - 1, () -> report + ": last record "
                        + (seqs.isEmpty() ? -1 : seqs.get(seqs.size() - 1)) + " but the journal continues at " + next);
                check(!seqs.isEmpty() || next == low, () -> report + ": no record recovered, but lowWater " + low
                        + " and the journal continues at " + next);
            }
            if (!continuing) {
                return mode;
            }
            if (holes) {
                // Skip-corrupted salvaged frames past a hole (and made that the journal): continue
                // instead from the crash image recovered to the prefix before the first bad frame.
                TOTALS_HOLES_SET_ASIDE.incrementAndGet();
                j.close();
                j = null;
                dir = newDir();
                PowerCut.write(image, dir);
                return checkRecovered(dir, image, RecoveryMode.POINT_IN_TIME, required, what, true);
            }
            // The model follows the recovered journal: its first `next` records, then new producers.
            model.crashed();
            if (next <= model.stream.size()) {
                model.truncate((int) next);
            } else {
                for (byte[] b : extra) {
                    final String problem = model.feed(b);
                    check(problem == null, () -> report + ": recovered record beyond those read before the crash: " + problem);
                }
            }
            final String acked = model.checkAcknowledged();
            check(acked == null, () -> report + ": " + acked);
            journal = j;
            syncer = s;
            keep = true;
            return mode;
        } finally {
            if (!keep && j != null) {
                j.close();
            }
        }
    }

    private void openContinuing(RecoveryMode mode, boolean fresh) throws IOException {
        syncer = new PowerCut();
        syncer.reset(dir);
        journal = Journal.open(TestSeams.syncer(config(dir, mode), syncer).build());
        if (fresh) {
            check(journal.writtenSequence() == 0, () -> "a new journal starts at " + journal.writtenSequence());
        }
    }

    private void finish() throws Exception {
        closeReaders();
        journal.close();
        closeObserver();
        journal = null;
        model.ackEverything();
        observeDirectory(dir, "at the end");
        final String complete = model.checkComplete();
        check(complete == null, () -> complete);
    }

    /** The monitor every manifest write holds (the segment log's). */
    private static Object manifestMonitor(Journal j) throws Exception {
        final Method m = Journal.class.getDeclaredMethod("master");
        m.setAccessible(true);
        return ((Master) m.invoke(j)).log();
    }

    private Path newDir() throws IOException {
        final Path d = root.resolve("j" + (dirs++));
        Files.createDirectories(d);
        return d;
    }

    private void closeReaders() {
        for (Tail t : tails) {
            t.reader.close();
        }
        tails.clear();
    }

    private void closeObserver() {
        if (observer != null) {
            observer.close();
            observer = null;
        }
    }

    private boolean gate(boolean open) {
        return asWritten || open;
    }

    private static void check(boolean ok, java.util.function.Supplier<String> message) {
        if (!ok) {
            throw new AssertionError(message.get());
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    @Override
    public void close() throws IOException {
        closeReaders();
        closeObserver();
        for (Worker w : workers) {
            w.exec.shutdownNow();
        }
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException | RuntimeException e) {
                // the failure being reported matters more
            }
        }
        deleteTree(root);
    }
}
