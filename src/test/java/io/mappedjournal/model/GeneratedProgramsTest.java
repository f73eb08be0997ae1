package io.mappedjournal.model;

import io.mappedjournal.model.Program.*;
import io.mappedjournal.policy.Ordering;
import io.mappedjournal.policy.RecoveryMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Stateful property-based tests of the public API against a reference model (issue 11, part A):
 * jqwik generates programs (appends of every size through every form from several threads,
 * durability waits, flushes, readers from any sequence, tailing and durable-only readers, writer
 * close, thread death, interrupts, retention, close racing appends, halts and power cuts), runs
 * each against a journal with 64 KiB segments under every sync policy x ordering x recovery
 * mode, and checks every step against {@link ReferenceModel}; a failure shrinks to a minimal
 * program. Programs per run: {@code -Djournal.model.tries=N} (default 500); gates for known open
 * defects: {@link ModelGates}.
 */
class GeneratedProgramsTest {
    private static Path root;
    private static int programs;
    private static long startNanos;

    @BeforeContainer
    static void start() throws Exception {
        final Path shm = Path.of("/dev/shm");
        root = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "mapped-journal-model-")
                : Files.createTempDirectory("mapped-journal-model-");
        startNanos = System.nanoTime();
    }

    @AfterContainer
    static void report() throws Exception {
        final double seconds = (System.nanoTime() - startNanos) / 1e9;
        final long[] t = ProgramRunner.TOTALS;
        System.out.printf("generated programs: %d programs (%d steps, %d records accepted, %d crashes, %d recoveries"
                        + " checked, %d reads) in %.1f s = %.1f programs/s; power-cut page fates: kept %d, as synced %d,"
                        + " garbage %d, torn %d; gates: %s%n", t[0], t[1], t[2], t[3], t[4], t[5], seconds, t[0] / seconds,
                PowerCut.FATES[0], PowerCut.FATES[1], PowerCut.FATES[2], PowerCut.FATES[3], ModelGates.describe());
        final StringBuilder times = new StringBuilder("generated programs: time per step kind (ms):");
        new java.util.TreeMap<>(ProgramRunner.STEP_NANOS).forEach((k, v) -> times.append(' ').append(k).append('=')
                .append(v / 1_000_000));
        System.out.println(times);
        System.out.println("generated programs: steps per kind: " + new java.util.TreeMap<>(ProgramRunner.STEP_COUNTS)
                + "; interrupted appends refused on a full staging ring: " + ProgramRunner.TOTALS_REFUSED_INTERRUPTED.get()
                + "; skip-corrupted recoveries with holes (continued from point-in-time): "
                + ProgramRunner.TOTALS_HOLES_SET_ASIDE.get());
        ProgramRunner.deleteTree(root);
    }

    /**
     * Programs per run from {@code -Djournal.model.tries} (default 500); {@code -Djournal.model.seed}
     * replays a run (the seed a failure prints).
     */
    static final class RunSettings implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            context.attributes().setTries(Integer.getInteger("journal.model.tries", 500));
            context.attributes().setAfterFailure(AfterFailureMode.RANDOM_SEED);
            final String seed = System.getProperty("journal.model.seed");
            if (seed != null) {
                context.attributes().setSeed(seed);
            }
            return property.execute();
        }
    }

    @Property
    @AddLifecycleHook(RunSettings.class)
    void everyGeneratedProgramKeepsTheContract(@ForAll("programs") Program program) throws Exception {
        try (ProgramRunner runner = new ProgramRunner(program, root.resolve("p" + programs++), false)) {
            runner.run();
        }
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Program> programs() {
        return Combinators.combine(setups(), steps().list().ofMinSize(1).ofMaxSize(24)).as(Program::new);
    }

    static Arbitrary<Setup> setups() {
        return Combinators.combine(Arbitraries.of(Sync.class), Arbitraries.of(1, 2, 5, 10),
                Arbitraries.of(4096L, 65536L, Long.MAX_VALUE), Arbitraries.of(Ordering.class),
                Arbitraries.of(RecoveryMode.class), Arbitraries.of(4096, 16384, 1 << 20)).as(Setup::new);
    }

    static Arbitrary<Integer> sizes() {
        final int min = ModelGates.EMPTY_RECORDS ? 0 : 1; // on: empty records are generated
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(min, 16)),
                Tuple.of(3, Arbitraries.integers().between(17, 400)),
                Tuple.of(2, Arbitraries.integers().between(401, Program.MAX_RECORD)),
                Tuple.of(1, Arbitraries.of(Program.MAX_RECORD - 1, Program.MAX_RECORD, Program.MAX_RECORD + 1)));
    }

    static Arbitrary<Step> steps() {
        final Arbitrary<Integer> worker = Arbitraries.integers().between(0, Program.WORKERS - 1);
        final Arbitrary<Integer> permille = Arbitraries.integers().between(0, 1000);
        final Arbitrary<Step> append = Combinators.combine(worker, Arbitraries.of(Form.class),
                sizes().list().ofMinSize(1).ofMaxSize(30), Arbitraries.of(false, false, false, true)).as(Append::new);
        // Bulk appends of large records: 20 to 60 KiB a step, so 64 KiB segments roll every step or two.
        final Arbitrary<Step> bulk = Combinators.combine(worker, Arbitraries.of(Form.class),
                Arbitraries.integers().between(1000, Program.MAX_RECORD).list().ofMinSize(10).ofMaxSize(30),
                Arbitraries.of(false, false, false, true)).as(Append::new);
        final Arbitrary<Step> burst = Combinators.combine(Arbitraries.integers().between(2, Program.WORKERS),
                sizes().list().ofMinSize(1).ofMaxSize(20), Arbitraries.of(false, true)).as(Burst::new);
        final Arbitrary<Step> await = Combinators.combine(worker, Arbitraries.of(false, true)).as(AwaitDurable::new);
        final Arbitrary<Step> read = Combinators.combine(Arbitraries.of(From.class), permille, Arbitraries.of(false, true))
                .as(Read::new);
        final Arbitrary<Step> tail = Combinators.combine(Arbitraries.of(From.class), permille, Arbitraries.of(false, true))
                .as(OpenTail::new);
        return Arbitraries.frequencyOf(
                Tuple.of(24, append),
                Tuple.of(8, bulk),
                Tuple.of(6, burst),
                Tuple.of(8, await),
                Tuple.of(4, Arbitraries.just(new Flush())),
                Tuple.of(2, worker.map(PolicyDurable::new)),
                Tuple.of(7, read),
                Tuple.of(4, tail),
                Tuple.of(6, Arbitraries.integers().between(0, 2).map(PollTail::new)),
                Tuple.of(3, worker.map(CloseWriter::new)),
                Tuple.of(2, worker.map(OwnWriter::new)),
                Tuple.of(2, worker.map(KillThread::new)),
                Tuple.of(3, permille.map(Delete::new)),
                Tuple.of(3, Combinators.combine(Arbitraries.of(false, true), Arbitraries.of(false, true))
                        .as(CloseReopen::new)),
                Tuple.of(6, Combinators.combine(Arbitraries.of(false, true, true), Arbitraries.longs())
                        .as(Crash::new)));
    }
}
