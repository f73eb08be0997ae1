package io.mappedjournal.model;

import io.mappedjournal.crash.ShmTempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
