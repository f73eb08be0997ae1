package io.mappedjournal.tools.bench;

import java.io.IOException;

/**
 * One system under test in {@code journal bench append}: a fresh instance per run, on a fresh
 * directory. Each producer thread gets its own {@link Appender}.
 */
interface BenchSystem extends AutoCloseable {

    /** One producer thread's way in. Called on that thread. */
    Appender appender(int thread) throws IOException;

    /** Extra facts for the report (e.g. records per sync), or empty. */
    default String notes() {
        return "";
    }

    @Override
    void close() throws IOException;

    /** Appends one record; under {@code always} returns only once the record is durable. */
    interface Appender {
        void append(byte[] payload) throws IOException, InterruptedException;
    }
}
