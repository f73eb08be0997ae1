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
     * ticket and publishing holds back every later record until it runs again.
     */
    TOTAL
}
