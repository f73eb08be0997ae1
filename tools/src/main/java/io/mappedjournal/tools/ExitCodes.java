package io.mappedjournal.tools;

/**
 * The tool's exit codes, the same for every command (listed in each command's {@code --help}).
 */
public final class ExitCodes {
    /** Done; nothing wrong found. */
    public static final int OK = 0;
    /** The command ran and found problems (anomalies, a refused recovery, unreadable records). */
    public static final int PROBLEMS = 1;
    /** Bad command line: unknown option, bad value, missing argument. */
    public static final int USAGE = 2;
    /** The command could not do its job: I/O failure, missing or locked directory, internal error. */
    public static final int IO_FAILURE = 3;

    /** For picocli's {@code exitCodeList} (help section "Exit codes"). */
    static final String[] HELP = {
            "0:fine: nothing wrong found",
            "1:problems found (anomalies, refused recovery, unreadable records)",
            "2:usage error (bad option, value or argument)",
            "3:I/O failure (missing, unreadable or locked directory; disk error)",
    };

    private ExitCodes() {
    }
}
