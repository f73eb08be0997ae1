package io.mappedjournal.model;

import io.mappedjournal.policy.Ordering;
import io.mappedjournal.policy.RecoveryMode;

import java.util.List;

/**
 * A generated program: the journal's settings and the steps run against it and the reference
 * model. Its {@code toString} is the shrunk counterexample a failure prints, so every step
 * reads as what it does.
 */
record Program(Setup setup, List<Step> steps) {

    /** Largest record of every generated journal; appends of {@code MAX_RECORD + 1} bytes must be refused. */
    static final int MAX_RECORD = 2048;
    /** Producer threads a program drives (each runs its steps on its own thread). */
    static final int WORKERS = 3;

    enum Sync { ALWAYS, BATCH, NONE }

    /** The journal's settings: 64 KiB segments always (rolls every few dozen records). */
    record Setup(Sync sync, int batchMillis, long batchBytes, Ordering ordering, RecoveryMode mode,
                 int checkpointBytes) {
        @Override
        public String toString() {
            return "Setup[" + (sync == Sync.BATCH ? "BATCH(" + batchMillis + "ms," + batchBytes + "B)" : sync.name())
                    + ", " + ordering + ", " + mode + ", checkpointBytes=" + checkpointBytes + "]";
        }
    }

    /** The append forms. */
    enum Form { BYTES, BYTES_SLICE, HEAP_BUFFER, DIRECT_BUFFER, BYTES_STORE, CLAIM_COMMIT, CLAIM_ABORT }

    /** Where a reader starts, relative to the written sequence {@code w} when it is opened. */
    enum From { ZERO, INSIDE, AT_END, PAST_END }

    /** One step. */
    sealed interface Step permits Append, Burst, AwaitDurable, Flush, PolicyDurable, Read, OpenTail, PollTail,
            CloseWriter, OwnWriter, KillThread, Delete, CloseReopen, Crash {
    }

    /** Worker {@code worker} appends one record per size through {@code form}, its interrupt flag set first if asked. */
    record Append(int worker, Form form, List<Integer> sizes, boolean interrupted) implements Step {
    }

    /** {@code workers} threads append {@code sizes} at once; with {@code awaitEach} each waits for its record after each append. */
    record Burst(int workers, List<Integer> sizes, boolean awaitEach) implements Step {
    }

    /** Waits for worker {@code worker}'s last receipt: {@code awaitDurable}, or {@code durableFuture().get} if {@code future}. */
    record AwaitDurable(int worker, boolean future) implements Step {
    }

    /** {@code flush(timeout)}: every record appended before is durable. */
    record Flush() implements Step {
    }

    /** Waits (without asking for a sync) until the sync policy makes worker {@code worker}'s last record durable. */
    record PolicyDurable(int worker) implements Step {
    }

    /** Opens a reader at {@code from} ({@code permille} picks inside, or how far past the end) and reads to the end. */
    record Read(From from, int permille, boolean durableOnly) implements Step {
    }

    /** Opens a reader that later {@link PollTail} steps read as the journal grows. */
    record OpenTail(From from, int permille, boolean durableOnly) implements Step {
    }

    /** Reads tailing reader {@code index} (modulo the open ones) until it returns null. */
    record PollTail(int index) implements Step {
    }

    /** Worker {@code worker} closes its writer (its producer ends; the next append opens a new one). */
    record CloseWriter(int worker) implements Step {
    }

    /** Worker {@code worker} switches to a writer of its own ({@code openWriter()}, not bound to a thread). */
    record OwnWriter(int worker) implements Step {
    }

    /** Worker {@code worker}'s thread ends without closing its writer; a new thread takes its place. */
    record KillThread(int worker) implements Step {
    }

    /** {@code deleteSegmentsBefore(written * permille / 1000)}. */
    record Delete(int permille) implements Step {
    }

    /** Closes the journal (with appends on every worker racing it if {@code race}), checks it on disk, reopens. */
    record CloseReopen(boolean race, boolean interrupted) implements Step {
    }

    /** A crash: halt (every byte written survives) or a power cut whose page fates come from {@code seed}. */
    record Crash(boolean powerCut, long seed) implements Step {
    }
}
