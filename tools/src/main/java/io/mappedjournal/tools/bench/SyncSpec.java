package io.mappedjournal.tools.bench;

import io.mappedjournal.policy.SyncPolicy;

/** A parsed {@code --sync} value: none, always, or batch_<N>ms. */
final class SyncSpec {
    final String name;
    final boolean always;
    final long batchMillis; // 0 unless batch

    private SyncSpec(String name, boolean always, long batchMillis) {
        this.name = name;
        this.always = always;
        this.batchMillis = batchMillis;
    }

    static SyncSpec parse(String text) {
        final SyncPolicy p = SyncPolicy.parse(text); // validates, with the library's message
        if (p == SyncPolicy.ALWAYS) {
            return new SyncSpec("always", true, 0);
        }
        if (p == SyncPolicy.NONE) {
            return new SyncSpec("none", false, 0);
        }
        final String name = p.name(); // batch_<N>ms: the interval is in the name
        return new SyncSpec(name, false, Long.parseLong(name.substring("batch_".length(), name.length() - 2)));
    }

    boolean batch() {
        return batchMillis > 0;
    }

    SyncPolicy policy() {
        return SyncPolicy.parse(name);
    }
}
