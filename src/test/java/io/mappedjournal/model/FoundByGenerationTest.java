package io.mappedjournal.model;

import io.mappedjournal.crash.ShmTempDir;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Programs the generated-program test ({@link GeneratedProgramsTest}) shrank to, checked in
 * verbatim (the text it printed) and replayed as plain tests. A program that hits a defect whose
 * fix lands on another branch is disabled with the defect named; enable it with the gate.
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
    @Disabled("known defect: issue 11 defect 1 (empty records), fixed on the decoder branch; enable with ModelGates.EMPTY_RECORDS")
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
    @Disabled("known defect: issue 14 defect 2 (interrupted append racing close), fixed on the writer branch;"
            + " enable with ModelGates.INTERRUPTED_APPENDS_RACING_CLOSE")
    void anInterruptedAppendRacingCloseIsReportedAsItEnded() throws Exception {
        for (int i = 0; i < 20; i++) {
            replay("Program[setup=Setup[ALWAYS, PER_PRODUCER, TOLERATE_TAIL, checkpointBytes=4096], steps=["
                    + "Burst[workers=2, sizes=[429, 469], awaitEach=true], "
                    + "CloseReopen[race=true, interrupted=true]]]");
            ProgramRunner.deleteTree(tmp.resolve("program"));
        }
    }
}
