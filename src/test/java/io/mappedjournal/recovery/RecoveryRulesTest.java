package io.mappedjournal.recovery;

import io.mappedjournal.policy.RecoveryMode;
import io.mappedjournal.recovery.RecoveryRules.Action;
import io.mappedjournal.recovery.RecoveryRules.Damage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.mappedjournal.recovery.RecoveryRules.Action.CONTINUE;
import static io.mappedjournal.recovery.RecoveryRules.Action.CUT;
import static io.mappedjournal.recovery.RecoveryRules.Action.DROP;
import static io.mappedjournal.recovery.RecoveryRules.Action.REFUSE;
import static io.mappedjournal.recovery.RecoveryRules.Action.SEAL;
import static io.mappedjournal.recovery.RecoveryRules.Action.SKIP_FRAME;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One case per row of the recovery table in docs/FORMAT.md ("Recovery modes"): each names its
 * row (the row's first cell, checked to be in FORMAT.md verbatim) and pins the action
 * {@link RecoveryRules} gives in each mode, columns in FORMAT.md's order (TOLERATE_TAIL,
 * POINT_IN_TIME, SKIP_CORRUPTED, ABSOLUTE). What each action does to the files is tested on real
 * journals by the crash tests (CorruptionTest, SealedSegmentDamageTest, ...).
 */
class RecoveryRulesTest {
    private static final RecoveryMode[] COLUMNS = {
            RecoveryMode.TOLERATE_TAIL, RecoveryMode.POINT_IN_TIME, RecoveryMode.SKIP_CORRUPTED, RecoveryMode.ABSOLUTE};
    private static String format;

    @BeforeAll
    static void readFormat() throws IOException {
        format = Files.readString(Path.of("docs/FORMAT.md"));
    }

    private static void row(String firstCell, Damage damage, Action... expected) {
        assertTrue(format.contains("| " + firstCell + " |"), "docs/FORMAT.md has no recovery table row '" + firstCell + "'");
        final Action[] actual = new Action[COLUMNS.length];
        for (int i = 0; i < COLUMNS.length; i++) {
            actual[i] = RecoveryRules.action(damage, COLUMNS[i]);
        }
        assertArrayEquals(expected, actual, "row '" + firstCell + "', damage " + damage);
    }

    @Test
    void shouldTruncateATornTailExceptSkipCorruptedSalvagesAndAbsoluteRefuses() {
        final String row = "torn tail: bad or partial frame after the active segment's checkpoint, non-zero bytes after the last frame";
        // truncated | truncated | valid frames after it are salvaged | refuses
        row(row, Damage.TORN_TAIL, CONTINUE, CONTINUE, SKIP_FRAME, REFUSE);
        // "non-zero bytes after the last frame": zeroed (an action, not an anomaly) | refuses
        row(row, Damage.STRAY_BYTES, CONTINUE, CONTINUE, CONTINUE, REFUSE);
    }

    @Test
    void shouldRefuseABadAcknowledgedFrameByDefault() {
        // refuses, naming segment and offset | keeps the prefix | covered by a skip frame | refuses
        row("bad frame before the checkpoint, or in a sealed segment", Damage.ACKNOWLEDGED_FRAME,
                REFUSE, CUT, SKIP_FRAME, REFUSE);
    }

    @Test
    void shouldRefuseAListedSegmentThatIsMissingByDefault() {
        // refuses, naming it | keeps the prefix before it | dropped (a reported gap) | refuses
        row("segment listed but missing", Damage.SEGMENT_MISSING, REFUSE, CUT, DROP, REFUSE);
    }

    @Test
    void shouldSetAsideAnUnexplainedSegmentWhenTheModeAllowsIt() {
        // refuses, naming it | set aside | set aside | refuses
        row("segment not listed and not explained", Damage.SEGMENT_UNEXPLAINED, REFUSE, DROP, DROP, REFUSE);
    }

    @Test
    void shouldKeepThePrefixBeforeADamagedHeaderInPointInTime() {
        // refuses, naming it | the prefix before that segment is kept | segment set aside | refuses
        row("header damaged, or header's first sequence differs from the name", Damage.HEADER_DAMAGED,
                REFUSE, CUT, DROP, REFUSE);
    }

    @Test
    void shouldRestoreTheLengthOfAResizedSegmentWhenTheModeAllowsIt() {
        // refuses, expected vs actual | frames in the part that is there kept, length restored | same | refuses
        // (the frames missing from a truncated file are then a bad frame: CUT in point-in-time)
        row("file length differs from the header (truncated or extended from outside)", Damage.LENGTH_DIFFERS,
                REFUSE, CONTINUE, CONTINUE, REFUSE);
    }

    @Test
    void shouldSealAnUnsealedSegmentFollowedByAnotherInSkipCorrupted() {
        // refuses | cut there | sealed where its frames end | refuses
        row("a segment not sealed but followed by another (not a crash artifact)", Damage.NOT_SEALED_BUT_FOLLOWED,
                REFUSE, CUT, SEAL, REFUSE);
    }

    @Test
    void shouldUseTheOtherManifestSlotUnlessAbsolute() {
        // other slot used (warning) | same | same | refuses
        row("manifest slot corrupt", Damage.MANIFEST_SLOT_REFUSED, CONTINUE, CONTINUE, CONTINUE, REFUSE);
    }

    @Test
    void shouldRebuildFromSegmentHeadersWhenBothSlotsAreCorruptUnlessAbsolute() {
        // rebuilt from segment headers (warning) | same | same | refuses
        row("both slots corrupt", Damage.NO_VALID_MANIFEST, CONTINUE, CONTINUE, CONTINUE, REFUSE);
    }

    @Test
    void shouldHandleLeftoversAndAnAdoptedRollInEveryMode() {
        // handled (an action, not an anomaly) | same | same | same
        final String row = "leftover `.prealloc`, retention leftover, adopted roll";
        row(row, Damage.LEFTOVER_FILE, CONTINUE, CONTINUE, CONTINUE, CONTINUE);
        row(row, Damage.ADOPTED_SEGMENT, CONTINUE, CONTINUE, CONTINUE, CONTINUE);
        assertTrue(!Damage.LEFTOVER_FILE.anomaly && !Damage.ADOPTED_SEGMENT.anomaly, "an action, not an anomaly");
        // A roll whose seal marker is not durable is undone: a torn tail of the roll, which
        // ABSOLUTE refuses as it refuses any torn tail (FORMAT.md's table does not spell this out).
        row(row, Damage.ROLL_NOT_DURABLE, CONTINUE, CONTINUE, CONTINUE, REFUSE);
    }

    /** Kinds the code tells apart that FORMAT.md's table has no row of their own for. */
    @Test
    void shouldPinTheKindsWithoutARowOfTheirOwn() {
        // A segment starting elsewhere than where the one before it ends: damage to acknowledged data.
        final Action[] gap = new Action[COLUMNS.length];
        final Action[] interrupted = new Action[COLUMNS.length];
        for (int i = 0; i < COLUMNS.length; i++) {
            gap[i] = RecoveryRules.action(Damage.SEQUENCE_GAP, COLUMNS[i]);
            interrupted[i] = RecoveryRules.action(Damage.INTERRUPTED_SET_ASIDE, COLUMNS[i]);
        }
        assertArrayEquals(new Action[]{REFUSE, CUT, CONTINUE, REFUSE}, gap);
        // FORMAT.md "Recovery" step 4: an interrupted set-aside is finished, never refused.
        assertArrayEquals(new Action[]{CUT, CUT, DROP, CUT}, interrupted);
    }

    @Test
    void shouldHaveAnActionForEveryKindInEveryMode() {
        for (Damage d : Damage.values()) {
            for (RecoveryMode m : RecoveryMode.values()) {
                assertTrue(RecoveryRules.action(d, m) != null, d + " x " + m);
            }
        }
    }
}
