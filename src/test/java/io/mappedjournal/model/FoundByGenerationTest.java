package io.mappedjournal.model;

import io.mappedjournal.crash.ShmTempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Programs the generated-program test ({@link GeneratedProgramsTest}) shrank to, checked in
 * verbatim (the text it printed) and replayed as plain tests. A program that hits a defect whose
 * fix landed on another branch was disabled until the fix merged; all are enabled now.
 */
class FoundByGenerationTest {
    @TempDir(factory = ShmTempDir.class)
    Path tmp;

    private void replay(String text) throws Exception {
        final Program p = ProgramText.parse(text);
        assertEquals(text.replaceAll("\\s+", ""), p.toString().replaceAll("\\s+", ""), "program text round trip");
        try (ProgramRunner r = new ProgramRunner(p, tmp.resolve("program"), true)) {
            r.run();
        }
    }

    /** Issue 11 defect 1: an empty record is lost (and with it what follows). Gate {@code empty}. */
    @Test
    void anEmptyRecordSurvivesACleanClose() throws Exception {
        replay("Program[setup=Setup[ALWAYS, PER_PRODUCER, TOLERATE_TAIL, checkpointBytes=4096], steps=["
                + "Append[worker=0, form=BYTES, sizes=[0], interrupted=false]]]");
    }

    /**
     * Issue 14 defect 2: an append with the interrupt flag set, racing close, is refused ("append
     * raced close and was not written") yet is in the journal after the close. Gate
     * {@code interruptCloseRace}. Found within 121 programs; the race needs several tries.
     */
    @Test
    void anInterruptedAppendRacingCloseIsReportedAsItEnded() throws Exception {
        for (int i = 0; i < 20; i++) {
            replay("Program[setup=Setup[ALWAYS, PER_PRODUCER, TOLERATE_TAIL, checkpointBytes=4096], steps=["
                    + "Burst[workers=2, sizes=[429, 469], awaitEach=true], "
                    + "CloseReopen[race=true, interrupted=true]]]");
            ProgramRunner.deleteTree(tmp.resolve("program"));
        }
    }

    /**
     * Failed once (before the fixes of this round were merged) with "first recovered 28 but
     * lowWater 0" after a second power cut recovered on a copy in TOLERATE_TAIL; did not replay
     * then. Replayed here with every fix merged.
     */
    @Test
    void lowWaterAfterASecondPowerCutIsTheFirstRecordRead() throws Exception {
        for (int i = 0; i < 5; i++) {
            replay("Program[setup=Setup[ALWAYS, TOTAL, SKIP_CORRUPTED, checkpointBytes=16384], steps=["
                + "PollTail[index=1], Append[worker=0, form=DIRECT_BUFFER, sizes=[1, 11, 988, 5, 14, 11, 15, 354, 364, 8, 2047, 679, 30, 15, 7, 2048, 131, 15, 2048, 126, 451, 1541, 400], interrupted=false], PollTail[index=2], Append[worker=1, form=BYTES_SLICE, sizes=[8, 113, 579, 456, 715, 128, 879, 31], interrupted=false], PollTail[index=0], Read[from=PAST_END, permille=701, durableOnly=true], PollTail[index=2], Append[worker=0, form=CLAIM_ABORT, sizes=[9, 30], interrupted=true], Crash[powerCut=true, seed=-9223372036854775807], Append[worker=0, form=CLAIM_ABORT, sizes=[2048], interrupted=true], AwaitDurable[worker=1, future=false], Burst[workers=3, sizes=[2049, 6, 8, 575, 5, 45, 15, 2047, 4, 10, 2047, 402], awaitEach=true], Burst[workers=3, sizes=[15], awaitEach=true], CloseReopen[race=true, interrupted=true], Delete[permille=5], Crash[powerCut=true, seed=-60336], OpenTail[from=AT_END, permille=35, durableOnly=true], Append[worker=1, form=CLAIM_ABORT, sizes=[12, 593, 441, 18, 15, 10, 2049, 18, 2049, 2049, 39, 468, 12, 52, 5, 399, 2048, 4, 23], interrupted=false]]]");
            ProgramRunner.deleteTree(tmp.resolve("program"));
        }
    }

    /**
     * Soak of 3,000 programs, program 484 (seed -5662487974235345067), as shrunk: after the second
     * power cut, skip-corrupted recovery found 37 frames and continued at 58, and the model said
     * "record 0 (below the required 58) not recovered, lowWater 0". The first power cut (nothing
     * synced yet) had left garbage at offset 64 of segment 0; skip-corrupted recovery covered
     * [64, 7256) with a skip frame and salvaged records 21..26: a reported hole before the first
     * record, which the model took for a journal without holes holding [0, 27). Fails nearly every
     * run (whether the first cut finds the 27 records written but unsynced depends on timing):
     * here, or already at the first cut as "record 0 ... is no producer's next record" when the
     * model had read none of them before the cut.
     *
     * <p>The journal is right (docs/FORMAT.md, "Recovery modes": skip-corrupted salvages valid
     * frames after a torn tail, holes possible above the checkpoint, here 64; nothing was durable
     * or acknowledged): a model flaw. The model now counts a gap before the first record read (or
     * after the last) as a hole and continues, as for any hole, from a point-in-time recovery of the
     * same image; the second cut then requires every record flushed since, all recovered.
     *
     * <p>Whether the first cut leaves that hole depends on timing (here, on the loaded 2-core
     * machine, in 12 of 60 runs; otherwise it finds the 27 records synced, or none of them written):
     * the program runs at least 5 times and until 2 runs have taken the hole path, at most 80 times
     * (a miss at 20%: 0.8^80, about 2e-8), and fails if none did, since it would no longer test what
     * it was found for. With recovery made to lose a segment's last record, every run fails, on the
     * hole path "record 30 (below the required 31) not recovered".
     */
    @Test
    void aHoleBeforeTheFirstSalvagedRecordIsAHole() throws Exception {
        final long holesBefore = ProgramRunner.TOTALS_HOLES_SET_ASIDE.get();
        for (int i = 0; i < 80 && (i < 5 || ProgramRunner.TOTALS_HOLES_SET_ASIDE.get() - holesBefore < 2); i++) {
            replay("Program[setup=Setup[ALWAYS, PER_PRODUCER, SKIP_CORRUPTED, checkpointBytes=4096], steps=["
                    + "Append[worker=1, form=BYTES_SLICE, sizes=[1, 19, 20, 15, 1, 44, 29, 339, 3, 614, 215, 59, 2047, 27, 690, 10, 8, 15, 7, 572, 2047, 139, 89, 17, 241, 572, 2], interrupted=false], "
                    + "Crash[powerCut=true, seed=2003], "
                    + "Append[worker=0, form=DIRECT_BUFFER, sizes=[2, 2016, 19, 1646, 9, 8, 12], interrupted=true], "
                    + "Delete[permille=54], "
                    + "Flush[], "
                    + "Append[worker=0, form=CLAIM_COMMIT, sizes=[13, 74, 911, 665, 4, 13, 469, 7, 16, 4, 16, 13, 11, 7, 4, 58, 400, 2047, 2, 11, 12, 1, 5, 1482], interrupted=false], "
                    + "Flush[], "
                    + "Crash[powerCut=true, seed=-7994]]]");
            ProgramRunner.deleteTree(tmp.resolve("program"));
        }
        assertTrue(ProgramRunner.TOTALS_HOLES_SET_ASIDE.get() > holesBefore,
                "in no run did the first power cut leave skip-corrupted recovery a hole (timing): the replay did not reach its case");
    }
}
