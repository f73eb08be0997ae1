package io.mappedjournal.tools;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalReader;
import io.mappedjournal.JournalRecord;
import io.mappedjournal.policy.SyncPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The crash-test driver: T producer threads append deterministic records ({@link Payloads}:
 * record n of thread t is {@code "t=<t> n=<n> "} plus filler) and every record that is durable
 * is reported on stdout as {@code ack <t> <n> <seq>}, so an outside harness can {@code kill -9}
 * this process at any moment and then check that every acknowledged record survived.
 *
 * <p>Where the acks come from: an in-process durable reader ({@link Journal#durableReader}),
 * which only returns records below the journal's durable watermark, reads the journal behind
 * the producers and prints one line per record, with t and n parsed from the payload and seq
 * the record's sequence. An ack line is therefore printed only after the record is durable,
 * under every sync policy: per record under {@code always} (where each producer also waits for
 * its record to be durable before appending the next), in groups as the watermark advances
 * under {@code batch_<N>ms}, and only at rolls and at the end under {@code none}. Lines are
 * flushed whenever the reader catches up and at least every 2 ms, so they are never far behind
 * durability.
 *
 * <p>With {@code --acks written} the reader is a live one ({@link Journal#reader}): an ack then
 * means the master wrote the record into the mapped segment (not that it is durable), which a
 * process crash must not lose under any policy, {@code none} included.
 *
 * <p>Phases: stdout also carries {@code phase opening} just before the journal is opened (and
 * recovered) and {@code phase appending <next_sequence>} once it is open, so a harness knows
 * where a kill landed.
 *
 * <p>Resuming: if DIR already holds stress records (after a crash), each producer continues
 * after its last record, so every producer's records stay contiguous from n=0 across runs.
 */
@Command(name = "stress", mixinStandardHelpOptions = true,
        description = {"Crash-test driver: T producers append checkable records; each durable record is printed as"
                + " 'ack <t> <n> <seq>' on stdout. Safe to kill -9 at any moment; check the journal afterwards with"
                + " verify / dump. Runs until killed unless --records or --duration is given."})
public final class StressCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory (created if missing).")
    Path dir;
    @Option(names = "--threads", defaultValue = "8", description = "Producer threads (default: ${DEFAULT-VALUE}).")
    int threads;
    @Option(names = "--record-size", defaultValue = "128",
            description = "Bytes per record, at least the 't=<t> n=<n> ' prefix (default: ${DEFAULT-VALUE}).")
    int recordSize;
    @Option(names = "--sync", defaultValue = "always", description = "always, batch_<N>ms or none (default: ${DEFAULT-VALUE}).")
    String sync;
    @Option(names = "--records", description = "Records per thread, then stop (default: until killed).")
    Long records;
    @Option(names = "--duration", description = "Seconds to run, then stop (default: until killed).")
    Double duration;
    @Option(names = "--rate", defaultValue = "0",
            description = "Records per second per thread, 0 for as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--segment-size", description = "Segment size in bytes (default: the library's, 64 MiB).")
    Long segmentSize;
    /** What an ack line vouches for. */
    enum Acks { durable, written }

    @Option(names = "--acks", defaultValue = "durable",
            description = "durable: ack records below the durable watermark; written: ack every record the master"
                    + " wrote (what a process crash keeps) (default: ${DEFAULT-VALUE}).")
    Acks acks;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Override
    public Integer call() throws Exception {
        Ranges.check(spec, "--threads", threads, 1, Long.MAX_VALUE, null);
        Ranges.check(spec, "--record-size", recordSize, 1, Long.MAX_VALUE, null);
        if (records != null) {
            Ranges.check(spec, "--records", records, 0, Long.MAX_VALUE, null);
        }
        if (duration != null && !(duration >= 0)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--duration=" + duration
                    + " is out of range: expected >= 0");
        }
        final SyncPolicy policy = SyncPolicy.parse(sync);
        final boolean always = "always".equals(policy.name());
        final PrintStream err = System.err;
        final JournalConfig.Builder cfg = JournalConfig.builder(dir).syncPolicy(policy)
                .maxRecordSize(Math.max(64 << 10, recordSize + 64))
                .stagingBufferSize(Integer.highestOneBit(Math.max(256 << 10, 4 * (recordSize + 64)) - 1) << 1)
                .maxWriters(Math.max(threads + 2, 16));
        if (segmentSize != null) {
            cfg.segmentSize(segmentSize);
        }
        final long start = System.nanoTime();
        System.out.println("phase opening");
        System.out.flush();
        try (Journal journal = Journal.open(cfg.build())) {
            final long from = journal.recoveryReport().nextSequence();
            System.out.println("phase appending " + from);
            System.out.flush(); // before the acker writes to the same descriptor
            final long[] resume = resumePoints(journal, from);
            err.printf("stress: dir=%s threads=%d record-size=%d sync=%s next_sequence=%d recovery: %s%n", dir, threads,
                    recordSize, policy.name(), from, journal.recoveryReport().describe().replace('\n', ';'));
            final AtomicBoolean stop = new AtomicBoolean();
            final Acker acker = new Acker(journal, from, threads);
            final Thread ackThread = new Thread(acker, "stress-acks");
            ackThread.setDaemon(true);
            ackThread.start();
            final List<Thread> producers = new ArrayList<>();
            final long[] appended = new long[threads];
            for (int t = 0; t < threads; t++) {
                final int id = t;
                final Thread th = new Thread(() -> produce(journal, id, resume[id], always, stop, appended), "stress-producer-" + t);
                producers.add(th);
                th.start();
            }
            final long deadline = duration == null ? Long.MAX_VALUE : start + (long) (duration * 1e9);
            for (Thread th : producers) {
                while (th.isAlive()) {
                    th.join(50);
                    if (System.nanoTime() - deadline >= 0) {
                        stop.set(true);
                    }
                    if (failure.get() != null) {
                        stop.set(true);
                    }
                }
            }
            if (failure.get() == null) {
                journal.flush();
                acker.finishUpTo(journal.durableSequence());
            }
            acker.stop();
            ackThread.join(10_000);
            long total = 0;
            for (long a : appended) {
                total += a;
            }
            err.printf("stress: appended %d records in %.2f s, durable up to sequence %d, %d acks printed%n", total,
                    (System.nanoTime() - start) / 1e9, journal.durableSequence(), acker.acks);
        }
        final Throwable f = failure.get();
        if (f != null) {
            err.println("stress: FAILED: " + f);
            return 1;
        }
        return 0;
    }

    /** Each producer's next n: one past its last record already in the journal (0 for a new journal). */
    private long[] resumePoints(Journal journal, long end) throws IOException {
        final long[] next = new long[threads];
        if (end == 0) {
            return next;
        }
        try (JournalReader r = journal.reader(0)) {
            for (JournalRecord rec; (rec = r.next()) != null && rec.sequence() < end; ) {
                final byte[] p = rec.payload();
                final long[] tn = Payloads.parse(p, p.length);
                if (tn != null && tn[0] >= 0 && tn[0] < threads && tn[1] >= next[(int) tn[0]]) {
                    next[(int) tn[0]] = tn[1] + 1;
                }
            }
        }
        return next;
    }

    private void produce(Journal journal, int t, long firstN, boolean always, AtomicBoolean stop, long[] appended) {
        final long limit = records == null ? Long.MAX_VALUE : firstN + records;
        final long intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
        long nextAt = System.nanoTime();
        try {
            for (long n = firstN; n < limit && !stop.get(); n++) {
                final byte[] payload = Payloads.of(t, n, recordSize);
                final long receipt = journal.append(payload);
                if (receipt == Journal.DROPPED) {
                    throw new IllegalStateException("record dropped: t=" + t + " n=" + n);
                }
                appended[t]++;
                if (always && !journal.awaitDurable(receipt, 60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("record not durable after 60 s: t=" + t + " n=" + n);
                }
                if (intervalNanos > 0) {
                    nextAt += intervalNanos;
                    final long wait = nextAt - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Prints "ack t n seq" for every durable record, reading behind the durable watermark. */
    private final class Acker implements Runnable {
        private final Journal journal;
        private final long from;
        private final int threads;
        private final PrintStream out = new PrintStream(new BufferedOutputStream(new FdOut(), 1 << 16), false,
                StandardCharsets.US_ASCII);
        private volatile boolean stopped;
        private volatile long finishUpTo = -1;
        private volatile long position;
        private long lastFlush = System.nanoTime();
        private static final long FLUSH_NANOS = 2_000_000L;
        long acks;

        Acker(Journal journal, long from, int threads) {
            this.journal = journal;
            this.from = from;
            this.threads = threads;
            this.position = from;
        }

        @Override
        public void run() {
            try (JournalReader reader = StressCommand.this.acks == Acks.written ? journal.reader(from) : journal.durableReader(from)) {
                while (true) {
                    final JournalRecord rec = reader.next();
                    if (rec == null) {
                        out.flush();
                        if (stopped || (finishUpTo >= 0 && position >= finishUpTo)) {
                            return;
                        }
                        LockSupport.parkNanos(100_000);
                        continue;
                    }
                    final byte[] p = rec.payload();
                    final long[] tn = Payloads.parse(p, p.length);
                    if (tn == null || tn[0] < 0 || tn[0] >= threads || !Payloads.matches(p, p.length, (int) tn[0], tn[1])) {
                        throw new IllegalStateException("not a stress record at sequence " + rec.sequence());
                    }
                    out.print("ack ");
                    out.print(tn[0]);
                    out.print(' ');
                    out.print(tn[1]);
                    out.print(' ');
                    out.print(rec.sequence());
                    out.print('\n');
                    acks++;
                    position = rec.sequence() + 1;
                    final long now = System.nanoTime();
                    if (now - lastFlush > FLUSH_NANOS) {
                        // never more than a few ms behind durability, even when never caught up
                        out.flush();
                        lastFlush = now;
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                out.flush();
            }
        }

        void finishUpTo(long sequence) throws InterruptedException {
            finishUpTo = sequence;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (position < sequence && failure.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }

        void stop() {
            stopped = true;
        }
    }

    /** System.out's file descriptor without System.out's own lock and autoflush. */
    private static final class FdOut extends OutputStream {
        private final java.io.FileOutputStream fd = new java.io.FileOutputStream(java.io.FileDescriptor.out);

        @Override
        public void write(int b) throws IOException {
            fd.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            fd.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            fd.flush();
        }
    }
}
