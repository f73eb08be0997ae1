package io.mappedjournal.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code journal bench}: the parent of the benchmarks ({@code fsync}; others join as subcommands). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks. Run 'journal bench <benchmark> --help'.",
        subcommands = {BenchFsyncCommand.class, io.mappedjournal.tools.bench.BenchAppendCommand.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
