package io.mappedjournal.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code journal node}: JSON lines on stdin, replies on stdout (nothing else there; each line
 * flushed), logs on stderr. Runs until end of input; bad input never stops it.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Serve the fsync benchmark over JSON lines: one message per line on stdin, one reply per line on "
                + "stdout, logs on stderr. Messages: init, fsync_benchmark (entries, strategies; optional record_size, "
                + "threads). Errors: code 10 unknown type, 12 malformed request, 13 benchmark failure.",
                "Runs until end of input; exit 0."})
public final class NodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Where requests come from; tests set it. */
    InputStream in = System.in;

    @Override
    public Integer call() throws IOException {
        // Replies go to the command's out (the real stdout). Anything else a library might print
        // on System.out goes to stderr instead, so stdout carries nothing but replies.
        final PrintWriter out = spec.commandLine().getOut(); // taken first: picocli creates it lazily over System.out
        final PrintStream stdout = System.out;
        System.setOut(System.err);
        try {
            final Node node = new Node(out, spec.commandLine().getErr());
            final BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                node.handle(line);
            }
            return ExitCodes.OK;
        } finally {
            System.setOut(stdout);
        }
    }
}
