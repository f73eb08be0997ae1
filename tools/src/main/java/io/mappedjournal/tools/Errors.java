package io.mappedjournal.tools;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.JournalException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Error reporting for every command: one line {@code journal: <message>} on stderr, the exit
 * code from {@link ExitCodes}, and the stack trace only with {@code --verbose}.
 */
final class Errors implements IExecutionExceptionHandler, IParameterExceptionHandler {
    static final Errors INSTANCE = new Errors();

    private Errors() {
    }

    /** Exit code for an exception thrown by a command. */
    static int exitCodeOf(Throwable e) {
        if (e instanceof ParameterException || e instanceof IllegalArgumentException && !(e instanceof JournalException)) {
            return ExitCodes.USAGE;
        }
        if (e instanceof CorruptJournalException) {
            return ExitCodes.PROBLEMS;
        }
        return ExitCodes.IO_FAILURE; // IOException, JournalException (locked, missing JVM flags), internal errors
    }

    /** The one-line message: names what was wrong, never just a class name. */
    static String messageOf(Throwable e) {
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof NoSuchFileException) {
            final NoSuchFileException f = (NoSuchFileException) e;
            return (f.getReason() != null ? f.getReason() : "no such file or directory") + ": " + f.getFile();
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory: " + ((NotDirectoryException) e).getFile();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + ((AccessDeniedException) e).getFile();
        }
        if (e instanceof FileSystemException) {
            final FileSystemException f = (FileSystemException) e;
            return (f.getReason() != null ? f.getReason() : "file system error") + ": " + f.getFile()
                    + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "");
        }
        final String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName() + (e.getCause() != null ? ": " + messageOf(e.getCause()) : "");
        }
        final String oneLine = m.replace('\n', ' ').replace('\r', ' ');
        return e instanceof IOException || e instanceof JournalException || e instanceof IllegalArgumentException
                ? oneLine : e.getClass().getSimpleName() + ": " + oneLine;
    }

    /** True if {@code --verbose} was given anywhere on the command line. */
    static boolean verbose(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Prints the one-line report (and the stack trace if verbose); returns the exit code. */
    static int report(Throwable e, PrintWriter err, boolean verbose) {
        err.println("journal: " + messageOf(e));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return exitCodeOf(e);
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        return report(ex, commandLine.getErr(), verbose(parseResult));
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        final CommandLine cmd = ex.getCommandLine();
        final PrintWriter err = cmd.getErr();
        err.println("journal: " + ex.getMessage().replace('\n', ' ') + " (see '" + cmd.getCommandSpec().qualifiedName()
                + " --help')");
        err.flush();
        return ExitCodes.USAGE;
    }
}
