package io.mappedjournal.tools.bench;

/**
 * The harness floor: an "append" that copies the payload into the producer's own buffer and
 * stores nothing. Same threads, same timing, same histograms as every other system, so its
 * latency is what the machine's scheduler and the measuring itself cost. A system cannot do
 * better than this row; where a target is below it, no design on this machine meets it.
 */
final class NoopSystem implements BenchSystem {

    @Override
    public Appender appender(int thread) {
        return new Appender() {
            private byte[] sink = new byte[0];
            private long copied;

            @Override
            public void append(byte[] payload) {
                if (sink.length < payload.length) {
                    sink = new byte[payload.length];
                }
                System.arraycopy(payload, 0, sink, 0, payload.length);
                copied += sink[0]; // a use of the copy, so it is not optimised away
            }

            @Override
            public String toString() {
                return "noop appender (" + copied + ")";
            }
        };
    }

    @Override
    public String notes() {
        return "harness floor: stores nothing";
    }

    @Override
    public void close() {
    }
}
