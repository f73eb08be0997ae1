package io.mappedjournal.model;

/**
 * Step kinds of the generated programs that once reached a defect whose fix was on another
 * branch. Every fix is merged, so every gate is on by default (the constant {@code true}); to gate
 * a step kind again while a new defect's fix lands, change its constant to {@code false} and turn
 * it on for one run with {@code -Djournal.model.gates=empty,pastEnd,...} or {@code =all}.
 */
final class ModelGates {
    private ModelGates() {
    }

    private static final String ENABLED = System.getProperty("journal.model.gates", "");

    private static boolean on(boolean constant, String name) {
        return constant || ENABLED.equals("all") || (',' + ENABLED + ',').contains(',' + name + ',');
    }

    /** Empty records (length 0 through every form, claim(0)): issue 11 defect 1. Gate name {@code empty}. */
    static final boolean EMPTY_RECORDS = on(true, "empty");

    /**
     * Readers opened past the current end (written sequence) and tailing readers positioned
     * there: issue 14 defect 1 (the reader skips records after the next roll). Gate name {@code pastEnd}.
     */
    static final boolean READERS_PAST_END = on(true, "pastEnd");

    /**
     * Waiting for the sync policy alone (no waiter asking) to make a record durable under
     * ALWAYS and BATCH: issue 14 defect 3 (durability stops advancing while segments roll faster
     * than the batch interval). Gate name {@code policyDurable}.
     */
    static final boolean POLICY_DURABILITY = on(true, "policyDurable");

    /**
     * Durability waits while other threads are mid-append under total order: issue 11 defect 4
     * (the wait can hang when the drain stops at a ticket taken but not yet published). Gate
     * name {@code totalOrderWaits}.
     */
    static final boolean TOTAL_ORDER_CONCURRENT_WAITS = on(true, "totalOrderWaits");

    /**
     * Appends with the interrupt flag set racing close: issue 14 defect 2 (reported "not written"
     * but written). Gate name {@code interruptCloseRace}.
     */
    static final boolean INTERRUPTED_APPENDS_RACING_CLOSE = on(true, "interruptCloseRace");

    static String describe() {
        return "empty=" + EMPTY_RECORDS + " pastEnd=" + READERS_PAST_END + " policyDurable=" + POLICY_DURABILITY
                + " totalOrderWaits=" + TOTAL_ORDER_CONCURRENT_WAITS + " interruptCloseRace="
                + INTERRUPTED_APPENDS_RACING_CLOSE;
    }
}
