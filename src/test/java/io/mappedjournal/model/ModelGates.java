package io.mappedjournal.model;

/**
 * Step kinds of the generated programs that reach a defect known to be open while its fix lands
 * on another branch. Each gate is off by default so the generated-program test stays useful (it
 * still hunts everything else); the lead turns a gate on (here, or for one run with
 * {@code -Djournal.model.gates=empty,pastEnd,...} / {@code -Djournal.model.gates=all}) once the fix
 * is merged. With every gate on, today's code fails within a few hundred programs (see
 * docs/RELIABILITY.md, "Generated programs").
 */
final class ModelGates {
    private ModelGates() {
    }

    private static final String ENABLED = System.getProperty("journal.model.gates", "");

    private static boolean on(boolean constant, String name) {
        return constant || ENABLED.equals("all") || (',' + ENABLED + ',').contains(',' + name + ',');
    }

    /** Empty records (length 0 through every form, claim(0)): issue 11 defect 1. Gate name {@code empty}. */
    static final boolean EMPTY_RECORDS = on(false, "empty");

    /**
     * Readers opened past the current end (written sequence) and tailing readers positioned
     * there: issue 14 defect 1 (the reader skips records after the next roll). Gate name {@code pastEnd}.
     */
    static final boolean READERS_PAST_END = on(false, "pastEnd");

    /**
     * Waiting for the sync policy alone (no waiter asking) to make a record durable under
     * ALWAYS and BATCH: issue 14 defect 3 (durability stops advancing while segments roll faster
     * than the batch interval). Gate name {@code policyDurable}.
     */
    static final boolean POLICY_DURABILITY = on(false, "policyDurable");

    /**
     * Durability waits while other threads are mid-append under total order: issue 11 defect 4
     * (the wait can hang when the drain stops at a ticket taken but not yet published). Gate
     * name {@code totalOrderWaits}.
     */
    static final boolean TOTAL_ORDER_CONCURRENT_WAITS = on(false, "totalOrderWaits");

    /**
     * Appends with the interrupt flag set racing close: issue 14 defect 2 (reported "not written"
     * but written). Gate name {@code interruptCloseRace}.
     */
    static final boolean INTERRUPTED_APPENDS_RACING_CLOSE = on(false, "interruptCloseRace");

    static String describe() {
        return "empty=" + EMPTY_RECORDS + " pastEnd=" + READERS_PAST_END + " policyDurable=" + POLICY_DURABILITY
                + " totalOrderWaits=" + TOTAL_ORDER_CONCURRENT_WAITS + " interruptCloseRace="
                + INTERRUPTED_APPENDS_RACING_CLOSE;
    }
}
