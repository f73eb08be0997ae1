package io.mappedjournal.policy;

/** How records of different producers are ordered in the journal. Chosen once, at open. */
public enum Ordering {
    /**
     * The default. Each producer's records keep their order; records of different producers land
     * in the order the master drains their staging rings, which can differ from real time. No
     * shared write on the append path.
     */
    PER_PRODUCER,
    /**
     * Every append takes a global ticket when it is published (one atomic increment on a shared
     * counter) and the master writes records strictly in ticket order: a record appended after
     * another append returned is always later in the journal, across threads. Costs the shared
     * increment per append and a merge in the master; a producer descheduled between taking its
     * ticket and publishing holds back every later record until it runs again. Choose it when
     * readers need real-time order across threads (an audit log, a replicated state machine fed
     * by several threads) and there are not many more producers than cores: measured on 2 cores,
     * 0.88x the default's throughput at 16 producers but 0.17x at 64 (docs/BENCHMARKS.md).
     */
    TOTAL
}
