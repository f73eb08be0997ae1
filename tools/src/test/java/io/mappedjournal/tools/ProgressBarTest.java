package io.mappedjournal.tools;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressBarTest {
    @Test
    void drawsInPlaceAndErasesItself() {
        final StringWriter w = new StringWriter();
        final ProgressBar bar = new ProgressBar(new PrintWriter(w), "verify", 200, true);
        bar.draw(50, "segment 1");
        bar.draw(200, null);
        bar.finish();
        final String l1 = "verify [#######                       ]  25% segment 1";
        final String l2 = "verify [##############################] 100%";
        assertEquals("\r" + l1 + "\r" + l2 + " ".repeat(l1.length() - l2.length()) + "\r" + " ".repeat(l2.length()) + "\r",
                w.toString());
    }

    @Test
    void disabledOffATerminal() {
        final StringWriter w = new StringWriter();
        final ProgressBar bar = new ProgressBar(new PrintWriter(w), "verify", 10, false);
        bar.update(5, "x");
        bar.finish();
        assertEquals("", w.toString());
        // Under the test runner stdin/stdout are not a terminal: the real factory stays silent.
        assertEquals(System.console() != null, ProgressBar.onTerminal(new PrintWriter(w), "x", 1).enabled());
    }
}
