package io.mappedjournal.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the journal must hold: every producer's accepted records in order, which of them were
 * acknowledged durable, and the stream of records read back so far (by sequence).
 *
 * <p>Each record's bytes are a function of (producer, attempt, length), so the stream identifies
 * its producers without any framing of our own; records too short to tell apart (empty ones, a
 * byte or two) may match several producers, so the model follows every assignment still
 * possible (a set of states, each the count of records consumed per producer and, under total
 * order, the epoch of the last one). A record that matches no producer's next record in any
 * state is a record the journal invented, duplicated, reordered or lost a predecessor of.
 *
 * <p>Epochs: appends of sequential steps get increasing epochs; the appends of one concurrent
 * burst share one. Under total order no record may follow one of a later epoch.
 */
final class ReferenceModel {
    /** One writer (staging ring) from its first append to its close. */
    static final class Producer {
        final int id;
        final String label;
        final List<byte[]> records = new ArrayList<>();
        final List<Integer> epochs = new ArrayList<>();
        /** Records [0, acked) were acknowledged durable. */
        int acked;
        /** The journal incarnation (crashes so far) this writer appended to. */
        final int incarnation;

        Producer(int id, String label, int incarnation) {
            this.id = id;
            this.label = label;
            this.incarnation = incarnation;
        }
    }

    private record State(int[] pos, int lastEpoch) {
        @Override
        public boolean equals(Object o) {
            return o instanceof State s && s.lastEpoch == lastEpoch && Arrays.equals(s.pos, pos);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(pos) * 31 + lastEpoch;
        }

        int at(int p) {
            return p < pos.length ? pos[p] : 0;
        }
    }

    private static final int MAX_STATES = 20_000;

    private final boolean totalOrder;
    final List<Producer> producers = new ArrayList<>();
    /** The records read back, by sequence (index = sequence). */
    final List<byte[]> stream = new ArrayList<>();
    private Set<State> states = new HashSet<>(Set.of(new State(new int[0], Integer.MIN_VALUE)));
    private int epoch;
    private int attempts;

    ReferenceModel(boolean totalOrder) {
        this.totalOrder = totalOrder;
    }

    private int incarnation;

    synchronized Producer newProducer(String label) {
        final Producer p = new Producer(producers.size(), label + "#" + producers.size(), incarnation);
        producers.add(p);
        return p;
    }

    /** The epoch of the next sequential step's appends. */
    int nextEpoch() {
        return ++epoch;
    }

    /** The bytes of a new append attempt by {@code p}: unique unless very short. */
    synchronized byte[] payload(Producer p, int length) {
        final int attempt = ++attempts;
        final byte[] b = new byte[length];
        long h = p.id * 0x9E3779B97F4A7C15L + attempt * 0xC2B2AE3D27D4EB4FL;
        for (int i = 0; i < length; i++) {
            h ^= h >>> 29;
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 32;
            b[i] = (byte) h;
        }
        if (length >= 8) {
            final byte[] tag = String.format("%02d%06d", p.id % 100, attempt % 1_000_000).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(tag, 0, b, 0, 8);
        }
        return b;
    }

    /** Records an accepted append (its append returned a receipt). */
    synchronized void accepted(Producer p, byte[] payload, int epoch) {
        p.records.add(payload);
        p.epochs.add(epoch);
    }

    /** Every record of {@code p} accepted so far is acknowledged durable. */
    synchronized void ackAll(Producer p) {
        p.acked = p.records.size();
    }

    /** Records [0, count) of {@code p} are acknowledged durable. */
    synchronized void ack(Producer p, int count) {
        p.acked = Math.max(p.acked, count);
    }

    /** Every record accepted by this incarnation's writers is acknowledged durable (a flush, a clean close). */
    synchronized void ackEverything() {
        for (Producer p : producers) {
            if (p.incarnation == incarnation) {
                p.acked = p.records.size();
            }
        }
    }

    /**
     * Consumes the record with sequence {@code stream.size()}.
     *
     * @return null, or why no producer can have written it
     */
    synchronized String feed(byte[] payload) {
        final Set<State> next = step(states, payload);
        if (next.isEmpty()) {
            return "record " + stream.size() + " (" + describe(payload) + ") is no producer's next record; expected one of "
                    + heads();
        }
        states = next;
        stream.add(payload);
        return null;
    }

    private Set<State> step(Set<State> from, byte[] payload) {
        final Set<State> next = new HashSet<>();
        for (State s : from) {
            for (Producer p : producers) {
                final int k = s.at(p.id);
                if (k < p.records.size() && Arrays.equals(p.records.get(k), payload)) {
                    final int e = p.epochs.get(k);
                    if (totalOrder && e < s.lastEpoch) {
                        continue;
                    }
                    final int[] pos = Arrays.copyOf(s.pos, Math.max(s.pos.length, producers.size()));
                    pos[p.id] = k + 1;
                    next.add(new State(pos, totalOrder ? Math.max(e, s.lastEpoch) : 0));
                    if (next.size() >= MAX_STATES) {
                        return next;
                    }
                }
            }
        }
        return next;
    }

    /**
     * The journal now holds only the first {@code count} records read so far (a crash recovered
     * that many): the model forgets the rest. The writers of the crashed incarnation are gone;
     * their unrecovered records never appear.
     */
    synchronized void truncate(int count) {
        while (stream.size() > count) {
            stream.remove(stream.size() - 1);
        }
        Set<State> s = new HashSet<>(Set.of(new State(new int[0], Integer.MIN_VALUE)));
        for (byte[] b : stream) {
            s = step(s, b);
        }
        states = s;
    }

    /** A crash ended the current writers: their records not recovered never appear, and need not. */
    synchronized void crashed() {
        incarnation++;
    }

    /** Whether some assignment of the records read so far holds every acknowledged record. */
    synchronized String checkAcknowledged() {
        for (State s : states) {
            if (holdsAcked(s)) {
                return null;
            }
        }
        final StringBuilder b = new StringBuilder("acknowledged durable records missing from the " + stream.size()
                + " records read: ");
        final State any = states.iterator().next();
        for (Producer p : producers) {
            if (any.at(p.id) < p.acked) {
                b.append(p.label).append(" acked ").append(p.acked).append(" has ").append(any.at(p.id)).append("; ");
            }
        }
        return b.toString();
    }

    private boolean holdsAcked(State s) {
        for (Producer p : producers) {
            if (s.at(p.id) < p.acked) {
                return false;
            }
        }
        return true;
    }

    /**
     * The fewest leading records of the stream read so far that hold every acknowledged record,
     * or -1 if even all of them do not.
     */
    synchronized int ackedPrefix() {
        Set<State> s = new HashSet<>(Set.of(new State(new int[0], Integer.MIN_VALUE)));
        for (int n = 0; ; n++) {
            for (State st : s) {
                if (holdsAcked(st)) {
                    return n;
                }
            }
            if (n == stream.size()) {
                return -1;
            }
            s = step(s, stream.get(n));
        }
    }

    /**
     * Whether some assignment consumed every accepted record of every producer of this
     * incarnation (and the acknowledged ones of every earlier one).
     */
    synchronized String checkComplete() {
        for (State s : states) {
            boolean all = holdsAcked(s);
            for (Producer p : producers) {
                all &= p.incarnation < incarnation || s.at(p.id) == p.records.size();
            }
            if (all) {
                return null;
            }
        }
        final State any = states.iterator().next();
        final StringBuilder b = new StringBuilder("accepted records missing after a clean close: ");
        for (Producer p : producers) {
            if (p.incarnation == incarnation && any.at(p.id) != p.records.size()) {
                b.append(p.label).append(" accepted ").append(p.records.size()).append(" found ")
                        .append(any.at(p.id)).append("; ");
            }
        }
        return b.toString();
    }

    /** Records accepted so far, by every producer. */
    synchronized int accepted() {
        int n = 0;
        for (Producer p : producers) {
            n += p.records.size();
        }
        return n;
    }

    private String heads() {
        final StringBuilder b = new StringBuilder();
        final State any = states.iterator().next();
        for (Producer p : producers) {
            final int k = any.at(p.id);
            b.append(p.label).append('[').append(k).append('/').append(p.records.size()).append("]=")
                    .append(k < p.records.size() ? describe(p.records.get(k)) : "-").append(' ');
        }
        return b.append("(").append(states.size()).append(" states)").toString();
    }

    static String describe(byte[] b) {
        if (b.length >= 8) {
            return "len=" + b.length + " tag=" + new String(b, 0, 8, StandardCharsets.US_ASCII);
        }
        return "len=" + b.length + " bytes=" + Arrays.toString(b);
    }
}
