package io.mappedjournal.tools;

import io.mappedjournal.CorruptJournalException;
import io.mappedjournal.JournalLockedException;
import io.mappedjournal.inspect.JournalFiles;
import io.mappedjournal.inspect.Recovery;
import io.mappedjournal.policy.RecoveryMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code journal recover DIR}: the recovery {@code Journal.open} runs, as an explicit step. Scans
 * read-only ({@link Recovery#scan}), prints the report, and unless {@code --dry-run} applies the
 * plan ({@link Recovery#repair}) holding the journal's lock, with a backup of every byte range it zeroes
 * or covers ({@code <segment>.<offset>.broken} beside the segment).
 */
@Command(name = "recover", mixinStandardHelpOptions = true,
        description = {"Run recovery: scan, print the report, and (unless --dry-run) repair, keeping a backup of every byte "
                + "range it zeroes or skips as <segment>.<offset>.broken beside it.",
                "Exit 0 when the journal was clean or is repaired, 1 when the mode refuses it (or, with --dry-run, "
                        + "when it needs repair)."})
public final class RecoverCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Journal directory.")
    Path dir;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "tolerate-tail", converter = ModeConverter.class,
            description = "tolerate-tail (truncate a torn tail after the durable checkpoint; refuse damage before it), "
                    + "point-in-time (keep the prefix before the first bad frame), skip-corrupted (salvage every valid "
                    + "frame around damage), absolute (refuse any anomaly). Default: ${DEFAULT-VALUE}.")
    RecoveryMode mode;

    @Option(names = "--dry-run", description = "Scan and print what would be done; change nothing.")
    boolean dryRun;

    static final class ModeConverter implements ITypeConverter<RecoveryMode> {
        @Override
        public RecoveryMode convert(String value) {
            try {
                return RecoveryMode.fromCliName(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() throws IOException {
        JournalDirs.existing(dir);
        if (dryRun) { // a real recovery refuses an open journal with its own one-line error
            JournalDirs.noteLiveWriter(dir, spec.commandLine().getErr(), "recover");
        }
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (dryRun) {
            final Recovery plan;
            try {
                plan = scan(err);
            } catch (CorruptJournalException e) {
                return refused(err, e);
            }
            out.println("journal recover " + dir + " (dry run: nothing is changed)");
            printReport(out, plan);
            final boolean clean = nothingToDo(plan);
            out.println(clean ? "result: clean, nothing to do"
                    : "result: needs repair; run without --dry-run to apply the actions above");
            out.flush();
            return clean ? ExitCodes.OK : ExitCodes.PROBLEMS;
        }
        // Hold the journal's lock so no writer opens it while it is being repaired.
        try (FileChannel lockChannel = FileChannel.open(JournalFiles.lockFile(dir), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock lock = tryLock(lockChannel)) {
            final Recovery plan;
            try {
                plan = scan(err);
            } catch (CorruptJournalException e) {
                return refused(err, e);
            }
            out.println("journal recover " + dir);
            printReport(out, plan);
            if (plan.fresh()) {
                // No journal: the only action the scan can list is deleting leftover preallocations.
                final List<Path> leftovers = JournalFiles.listPreallocated(dir);
                for (Path p : leftovers) {
                    Files.deleteIfExists(p);
                    out.println("  deleted: " + p.getFileName());
                }
                if (!leftovers.isEmpty()) {
                    syncDirectory();
                }
                out.println(leftovers.isEmpty() ? "result: no journal here, nothing to do"
                        : "result: no journal here; deleted " + leftovers.size() + " unused preallocated segment(s)");
                out.flush();
                return ExitCodes.OK;
            }
            if (nothingToDo(plan)) {
                out.println("result: clean, nothing to do");
                out.flush();
                return ExitCodes.OK;
            }
            final List<String> backups = new ArrayList<>();
            for (Recovery.ChangedRange r : plan.changedRanges()) {
                backups.add(r.file().getFileName() + "." + r.offset() + ".broken (" + r.length() + " bytes)");
            }
            final long written;
            try (ProgressBar.Ticker ignored = ProgressBar.ticker(err, "recover: repairing " + dir)) {
                written = plan.repair(true);
            }
            for (String b : backups) {
                out.println("  backup: " + b);
            }
            out.println("result: repaired; manifest generation " + written + " written, next sequence "
                    + plan.report().nextSequence());
            out.flush();
            return ExitCodes.OK;
        }
    }

    /**
     * True if recovery would change nothing: no anomaly and no action (an adopted segment or a
     * leftover to delete is an action: applying it writes the manifest or deletes the file).
     */
    private static boolean nothingToDo(Recovery plan) {
        return plan.report().clean() && !plan.needsRepair() && plan.report().actions().isEmpty();
    }

    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** The read-only scan, with an elapsed-time indicator on a terminal. */
    private Recovery scan(PrintWriter err) throws IOException {
        try (ProgressBar.Ticker ignored = ProgressBar.ticker(err, "recover: scanning " + dir + " (" + mode.cliName() + ")")) {
            return Recovery.scan(dir, mode);
        }
    }

    private FileLock tryLock(FileChannel channel) throws IOException {
        final FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            throw new JournalLockedException("journal is open in this process; close it before recovering: dir=" + dir);
        }
        if (lock == null) {
            throw new JournalLockedException("journal is locked by another process (a writer has it open); "
                    + "close it before recovering: dir=" + dir);
        }
        return lock;
    }

    private int refused(PrintWriter err, CorruptJournalException e) {
        final String hint = mode == RecoveryMode.TOLERATE_TAIL || mode == RecoveryMode.ABSOLUTE
                ? " (nothing changed; '--mode point-in-time' keeps the records before the damage, "
                + "'--mode skip-corrupted' salvages every valid record around it)" : " (nothing changed)";
        err.println("journal: " + Errors.messageOf(e) + hint);
        if (Errors.verbose(spec.commandLine().getParseResult())) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.PROBLEMS;
    }

    private static void printReport(PrintWriter out, Recovery plan) {
        for (String line : plan.report().describe().split("\n")) {
            out.println(line.startsWith("  ") ? line : "  " + line);
        }
    }
}
