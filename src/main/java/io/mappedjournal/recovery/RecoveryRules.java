package io.mappedjournal.recovery;

import io.mappedjournal.policy.RecoveryMode;

/**
 * What recovery does with each kind of damage in each {@link RecoveryMode}: the recovery table of
 * docs/FORMAT.md ("Recovery modes") as code. {@link RecoveryScan} names the {@link Damage} it
 * found and does the {@link Action} this table gives; it tests no mode itself.
 */
final class RecoveryRules {
    /** What the scan found. Each names the FORMAT.md row it belongs to. */
    enum Damage {
        /** Row "torn tail": a bad or partial frame after the active segment's checkpoint. */
        TORN_TAIL(true),
        /** Row "torn tail" (its second half): non-zero bytes after the last frame, zeroed as an action. */
        STRAY_BYTES(false),
        /** Row "bad frame before the checkpoint, or in a sealed segment". */
        ACKNOWLEDGED_FRAME(true),
        /** Row "segment listed but missing". */
        SEGMENT_MISSING(true),
        /** Row "segment not listed and not explained". */
        SEGMENT_UNEXPLAINED(true),
        /** Row "header damaged, or header's first sequence differs from the name". */
        HEADER_DAMAGED(true),
        /** Row "file length differs from the header". */
        LENGTH_DIFFERS(true),
        /** Row "a segment not sealed but followed by another (not a crash artifact)". */
        NOT_SEALED_BUT_FOLLOWED(true),
        /**
         * Not a row of its own: a segment starting at another sequence than where the one before
         * it ends (damage to acknowledged data between segments).
         */
        SEQUENCE_GAP(true),
        /** Row "manifest slot corrupt". */
        MANIFEST_SLOT_REFUSED(true),
        /** Row "both slots corrupt": the segment list rebuilt from headers (or, with no segment, a new journal). */
        NO_VALID_MANIFEST(true),
        /**
         * Rows "torn tail" and "adopted roll": a roll activated the next segment but its seal
         * marker here is not durable; the roll is undone (a torn tail of the roll).
         */
        ROLL_NOT_DURABLE(true),
        /** Row "adopted roll" (and the first segment, created before the first manifest). */
        ADOPTED_SEGMENT(false),
        /** Row "leftover .prealloc, retention leftover". */
        LEFTOVER_FILE(false),
        /**
         * Not a row of its own: a listed segment found set aside by a recovery that crashed
         * before its manifest; that recovery's decision is finished.
         */
        INTERRUPTED_SET_ASIDE(false);

        /** Whether finding it is an anomaly of the report (otherwise only an action, unless refused). */
        final boolean anomaly;

        Damage(boolean anomaly) {
            this.anomaly = anomaly;
        }
    }

    /** What the scan does about it. */
    enum Action {
        /** Refuse to open, naming the file, the offset and the reason. */
        REFUSE,
        /** Carry on: truncate the torn tail, use the other slot, rebuild the list, restore the length, undo the roll. */
        CONTINUE,
        /** Keep the prefix before it: the journal ends here, later segments are set aside. */
        CUT,
        /** Cover the bad bytes with a skip frame and resume at the next valid frame. */
        SKIP_FRAME,
        /** The segment leaves the journal (set aside if its file is there); its records are a reported gap. */
        DROP,
        /** Seal the segment where its frames end. */
        SEAL
    }

    private static final RecoveryMode[] MODES = {
            RecoveryMode.TOLERATE_TAIL, RecoveryMode.POINT_IN_TIME, RecoveryMode.SKIP_CORRUPTED, RecoveryMode.ABSOLUTE};

    /** One row per {@link Damage}, in its order; columns in the order of {@link #MODES}. */
    private static final Action[][] TABLE = {
            //                          TOLERATE_TAIL    POINT_IN_TIME    SKIP_CORRUPTED      ABSOLUTE
            /* TORN_TAIL */            {Action.CONTINUE, Action.CONTINUE, Action.SKIP_FRAME, Action.REFUSE},
            /* STRAY_BYTES */          {Action.CONTINUE, Action.CONTINUE, Action.CONTINUE, Action.REFUSE},
            /* ACKNOWLEDGED_FRAME */   {Action.REFUSE, Action.CUT, Action.SKIP_FRAME, Action.REFUSE},
            /* SEGMENT_MISSING */      {Action.REFUSE, Action.CUT, Action.DROP, Action.REFUSE},
            /* SEGMENT_UNEXPLAINED */  {Action.REFUSE, Action.DROP, Action.DROP, Action.REFUSE},
            /* HEADER_DAMAGED */       {Action.REFUSE, Action.CUT, Action.DROP, Action.REFUSE},
            /* LENGTH_DIFFERS */       {Action.REFUSE, Action.CONTINUE, Action.CONTINUE, Action.REFUSE},
            /* NOT_SEALED_BUT_FOLLOWED */ {Action.REFUSE, Action.CUT, Action.SEAL, Action.REFUSE},
            /* SEQUENCE_GAP */         {Action.REFUSE, Action.CUT, Action.CONTINUE, Action.REFUSE},
            /* MANIFEST_SLOT_REFUSED */ {Action.CONTINUE, Action.CONTINUE, Action.CONTINUE, Action.REFUSE},
            /* NO_VALID_MANIFEST */    {Action.CONTINUE, Action.CONTINUE, Action.CONTINUE, Action.REFUSE},
            /* ROLL_NOT_DURABLE */     {Action.CONTINUE, Action.CONTINUE, Action.CONTINUE, Action.REFUSE},
            /* ADOPTED_SEGMENT */      {Action.CONTINUE, Action.CONTINUE, Action.CONTINUE, Action.CONTINUE},
            /* LEFTOVER_FILE */        {Action.CONTINUE, Action.CONTINUE, Action.CONTINUE, Action.CONTINUE},
            /* INTERRUPTED_SET_ASIDE */ {Action.CUT, Action.CUT, Action.DROP, Action.CUT},
    };

    static {
        if (TABLE.length != Damage.values().length || MODES.length != RecoveryMode.values().length) {
            throw new AssertionError("recovery table: one row per damage kind, one column per mode");
        }
    }

    private RecoveryRules() {
    }

    /**
     * The action for {@code damage} in {@code mode}.
     *
     * @param damage what the scan found
     * @param mode   the recovery mode
     * @return what the scan does
     */
    static Action action(Damage damage, RecoveryMode mode) {
        return TABLE[damage.ordinal()][column(mode)];
    }

    /**
     * The hint a refusal in {@code mode} ends with: which mode might open the journal.
     *
     * @param mode the refusing mode
     * @return the hint, with its leading space, or empty
     */
    static String refusalHint(RecoveryMode mode) {
        switch (mode) {
            case TOLERATE_TAIL:
                return " (point-in-time or skip-corrupted recovery keeps what is intact)";
            case ABSOLUTE:
                return " (a less strict recovery mode may open it)";
            default:
                return "";
        }
    }

    private static int column(RecoveryMode mode) {
        for (int i = 0; i < MODES.length; i++) {
            if (MODES[i] == mode) {
                return i;
            }
        }
        throw new IllegalArgumentException("mode=" + mode);
    }
}
