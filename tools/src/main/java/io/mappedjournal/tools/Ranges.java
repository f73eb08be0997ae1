package io.mappedjournal.tools;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

import java.util.List;

/**
 * Range checks for numeric options: an out-of-range value is a usage error (exit 2) whose one line
 * names the option, the value as typed and the allowed range, e.g.
 * {@code --threads=-3 is out of range: expected 1..256}.
 */
public final class Ranges {
    private Ranges() {
    }

    /** {@code min <= value <= max}, else a usage error. */
    public static void check(CommandSpec spec, String option, long value, long min, long max, String why) {
        if (value < min || value > max) {
            throw outOfRange(spec, option, Long.toString(value), max == Long.MAX_VALUE ? ">= " + min : min + ".." + max, why);
        }
    }

    /** {@code minExclusive < value <= max}, else a usage error. */
    public static void checkPositive(CommandSpec spec, String option, double value, double max, String why) {
        if (!(value > 0 && value <= max)) {
            throw outOfRange(spec, option, Double.toString(value), "more than 0 and at most " + plain(max), why);
        }
    }

    private static ParameterException outOfRange(CommandSpec spec, String option, String parsed, String range, String why) {
        return new ParameterException(spec.commandLine(), option + "=" + typed(spec, option, parsed)
                + " is out of range: expected " + range + (why == null ? "" : " (" + why + ")"));
    }

    /** The value as the user typed it (picocli keeps the strings), else the parsed value. */
    private static String typed(CommandSpec spec, String option, String parsed) {
        final OptionSpec o = spec.findOption(option);
        if (o != null && !o.isMultiValue() && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption(option)) {
            final List<String> strings = spec.commandLine().getParseResult().matchedOption(option).stringValues();
            if (!strings.isEmpty()) {
                return strings.get(strings.size() - 1);
            }
        }
        return parsed;
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
