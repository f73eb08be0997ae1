package io.mappedjournal.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code tools/journal}: the command-line tool over a journal directory. */
@Command(name = "journal", mixinStandardHelpOptions = true, version = "mapped-journal 0.1.0",
        description = "Inspect, recover, stress and benchmark a mapped-journal directory.",
        subcommands = {VerifyCommand.class, DumpCommand.class, RecoverCommand.class, StatsCommand.class,
                BenchCommand.class, NodeCommand.class, DemoCommand.class, StressCommand.class})
public final class JournalCli implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, print the stack trace after the one-line message.")
    boolean verbose;

    public static void main(String[] args) {
        final CommandLine cmd = commandLine();
        final int exit = cmd.execute(args);
        cmd.getOut().flush();
        System.exit(exit);
    }

    /**
     * The tool's command line with its error handling: one line {@code journal: <message>} on
     * stderr, exit codes per {@link ExitCodes}, stack traces only with {@code --verbose}.
     */
    public static CommandLine commandLine() {
        final CommandLine cmd = new CommandLine(new JournalCli());
        // stdout through PrintWriter(OutputStream): its checkError() also asks System.out, which
        // records a failed write (EPIPE: 'journal dump DIR | head -1') and swallows it. picocli's
        // default writer wraps System.out in an OutputStreamWriter and never sees the failure, so
        // dump went on writing the whole journal into a closed pipe.
        cmd.setOut(new java.io.PrintWriter(System.out, true));
        cmd.setExecutionExceptionHandler(Errors.INSTANCE);
        cmd.setParameterExceptionHandler(Errors.INSTANCE);
        addExitCodes(cmd);
        return cmd;
    }

    private static void addExitCodes(CommandLine cmd) {
        cmd.getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(CommandLine.Model.UsageMessageSpec.keyValuesMap(ExitCodes.HELP));
        cmd.getSubcommands().values().forEach(JournalCli::addExitCodes);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
