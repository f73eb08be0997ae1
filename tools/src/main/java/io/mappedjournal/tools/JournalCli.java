package io.mappedjournal.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tools/journal}: the command-line tool over a journal directory. */
@Command(name = "journal", mixinStandardHelpOptions = true, version = "mapped-journal 0.1.0",
        description = "Inspect, recover, stress and benchmark a mapped-journal directory.",
        subcommands = {DemoCommand.class, StressCommand.class})
public final class JournalCli implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new JournalCli()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }
}
