package io.mappedjournal.tools;

import io.mappedjournal.inspect.FrameCursor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;

/**
 * {@code journal dump DIR}: the records in journal order, as text, hex or JSON lines. Works on a
 * damaged journal: it walks frames with the journal's decoder status codes ({@link FrameCursor}) instead of a
 * {@link io.mappedjournal.JournalReader} (which stops at the first bad frame), prints a frame
 * whose CRC does not match with {@code crc_ok} false, and reports everything it cannot read on
 * stderr. Read-only.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Print records in journal order. Read-only; works on a damaged journal: frames with a bad CRC are "
                + "shown with crc_ok=false, what cannot be read is reported on stderr.",
                "Exit 0 when every frame walked was readable, 1 when something was not."})
public final class DumpCommand implements Callable<Integer> {
    enum Format { text, hex, json }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Journal directory.")
    Path dir;

    @Option(names = "--from", paramLabel = "SEQ", defaultValue = "0", description = "First sequence to print (default: ${DEFAULT-VALUE}).")
    long from;

    @Option(names = "--to", paramLabel = "SEQ", description = "Last sequence to print, inclusive (default: the end).")
    Long to;

    @Option(names = "--limit", paramLabel = "N", description = "Print at most N records.")
    Long limit;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, hex or json (one object per line: seq, segment, offset, length, crc_ok, payload_base64). "
                    + "Default: ${DEFAULT-VALUE}.")
    Format format;

    private long printed;

    @Override
    public Integer call() throws IOException {
        if (from < 0) {
            throw new ParameterException(spec.commandLine(), "--from must be >= 0: --from=" + from);
        }
        if (to != null && to < from) {
            throw new ParameterException(spec.commandLine(), "--to must be >= --from: --from=" + from + " --to=" + to);
        }
        if (limit != null && limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must be >= 0: --limit=" + limit);
        }
        JournalDirs.existing(dir);
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final long[] problems = {0};
        final SegmentWalk walk = new SegmentWalk(dir);
        if (walk.files().length == 0) {
            err.println("journal dump: no segment files in " + dir);
            err.flush();
            return ExitCodes.PROBLEMS;
        }
        // What recovery refuses, dump reports too: a segment the manifest lists that is not there
        // (its records cannot be printed).
        for (String[] m : ManifestSlots.read(dir).missingSegments(walk.files())) {
            problems[0]++;
            err.println("journal dump: " + m[0] + ": " + m[1] + "; its records are not printed");
        }
        if (limit != null && limit == 0) {
            err.flush();
            return problems[0] == 0 ? ExitCodes.OK : ExitCodes.PROBLEMS;
        }
        walk.walk(from, null, new SegmentWalk.Listener() {
            @Override
            public boolean frame(SegmentWalk.SegmentResult segment, long offset, FrameCursor f) {
                return print(out, segment.name, offset, f, true);
            }

            @Override
            public boolean badCrcFrame(SegmentWalk.SegmentResult segment, long offset, FrameCursor f) {
                return print(out, segment.name, offset, f, false);
            }

            @Override
            public void anomaly(String file, long offset, String reason) {
                problems[0]++;
                err.println("journal dump: " + file + (offset >= 0 ? " offset " + offset : "") + ": " + reason
                        + (reason.startsWith("CRC mismatch") ? "; its record is printed with "
                        + (format == Format.json ? "crc_ok=false" : "crc=BAD") + " if in range" : ""));
            }

            @Override
            public void note(String file, long offset, String text) {
                err.println("journal dump: note: " + file + (offset >= 0 ? " offset " + offset : "") + ": " + text);
            }
        });
        out.flush();
        err.flush();
        return problems[0] == 0 ? ExitCodes.OK : ExitCodes.PROBLEMS;
    }

    /** Prints one frame if it is in range; false once the walk can stop. */
    private boolean print(PrintWriter out, String segment, long offset, FrameCursor f, boolean crcOk) {
        final long seq = f.sequence();
        if (to != null && seq > to && crcOk) {
            return false;
        }
        if (seq < from || (to != null && seq > to)) {
            return true; // a bad frame's stored sequence may be anything: filter it, keep walking
        }
        final byte[] payload = f.payload();
        final int length = f.length();
        switch (format) {
            case json:
                // Jackson writes (and escapes) the object; fields in this order, one object per line.
                final com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
                o.put("seq", seq).put("segment", segment).put("offset", offset).put("length", length).put("crc_ok", crcOk)
                        .put("payload_base64", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(payload, length)));
                out.print(o.toString() + "\n");
                break;
            case hex:
                out.print("seq=" + seq + " segment=" + segment + " offset=" + offset + " length=" + length + " crc="
                        + (crcOk ? "ok" : "BAD") + "\n");
                hexDump(out, payload, length);
                break;
            default:
                out.print("seq=" + seq + " segment=" + segment + " offset=" + offset + " length=" + length + " crc="
                        + (crcOk ? "ok" : "BAD") + " payload=\"" + escape(payload, length) + "\"\n");
        }
        printed++;
        if ((printed & 1023) == 0 && out.checkError()) {
            return false; // stdout is gone (e.g. 'journal dump DIR | head'): stop walking
        }
        // Stop at once when the range is done, so damage after it is not even read.
        return (limit == null || printed < limit) && (to == null || seq < to || !crcOk);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    /** Printable ASCII as is; quote and backslash escaped; other bytes as \xNN. */
    static String escape(byte[] b, int length) {
        final StringBuilder s = new StringBuilder(length + 16);
        for (int i = 0; i < length; i++) {
            final int c = b[i] & 0xff;
            if (c == '"' || c == '\\') {
                s.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                s.append((char) c);
            } else {
                s.append("\\x");
                HEX.toHexDigits(s, (byte) c);
            }
        }
        return s.toString();
    }

    /** Classic 16-bytes-a-line hex dump: offset, hex bytes, printable characters. */
    static void hexDump(PrintWriter out, byte[] b, int length) {
        final StringBuilder line = new StringBuilder(80);
        for (int at = 0; at < length; at += 16) {
            line.setLength(0);
            line.append("  ").append(HEX.toHexDigits(at)).append(' ');
            for (int i = 0; i < 16; i++) {
                if (i == 8) {
                    line.append(' ');
                }
                if (at + i < length) {
                    HEX.toHexDigits(line.append(' '), b[at + i]);
                } else {
                    line.append("   ");
                }
            }
            line.append("  |");
            for (int i = 0; i < 16 && at + i < length; i++) {
                final int c = b[at + i] & 0xff;
                line.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
            }
            line.append("|\n");
            out.print(line);
        }
    }
}
