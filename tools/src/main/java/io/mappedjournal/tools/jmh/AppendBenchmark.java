package io.mappedjournal.tools.jmh;

import io.mappedjournal.Journal;
import io.mappedjournal.JournalConfig;
import io.mappedjournal.JournalWriter;
import io.mappedjournal.policy.SyncPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The append hot path, measured with JMH. Run with the GC profiler to check that an append
 * allocates nothing:
 * <pre>java $CHRONICLE_FLAGS -jar tools/target/benchmarks.jar AppendBenchmark -prof gc</pre>
 * {@code journalAppend} goes through the whole path (the producer's ring, the master copying
 * into a mapped segment in the background); {@code writerAppend} uses an explicit writer handle
 * (no ThreadLocal lookup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "-Dchronicle.announcer.disable=true",
        "-Dchronicle.analytics.disable=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class AppendBenchmark {
    @Param({"128"})
    int recordSize;

    private Path dir;
    private Journal journal;
    private JournalWriter writer;
    private byte[] payload;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("jmh-journal-");
        journal = Journal.open(JournalConfig.builder(dir).syncPolicy(SyncPolicy.none()).build());
        writer = journal.openWriter();
        payload = new byte[recordSize];
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        writer.close();
        journal.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public long journalAppend() {
        return journal.append(payload);
    }

    @Benchmark
    public long writerAppend() {
        return writer.append(payload);
    }

    /**
     * The producer's own cost, without waiting for the master: claim, copy, publish into a
     * staging ring that this thread also drains every 1,024 records (a no-op consumer).
     */
    @State(Scope.Thread)
    public static class Ring {
        io.mappedjournal.staging.StagingRing ring;
        byte[] payload = new byte[128];
        int sinceDrain;

        @Setup(Level.Trial)
        public void create() throws InterruptedException {
            ring = new io.mappedjournal.staging.StagingPool(1, 1 << 18).acquire(null, 0);
        }
    }

    @Benchmark
    public long stagingRingAppend(Ring r) {
        if (++r.sinceDrain == 1024) {
            r.sinceDrain = 0;
            r.ring.drain((ring, index, length) -> { });
        }
        final long index = r.ring.tryClaim(r.payload.length);
        r.ring.buffer().write(index, r.payload, 0, r.payload.length);
        return r.ring.commit();
    }
}
