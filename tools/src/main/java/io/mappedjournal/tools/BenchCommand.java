package io.mappedjournal.tools;

import io.mappedjournal.tools.bench.BenchAppendCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code journal bench}: benchmarks, one subcommand each. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchAppendCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
