package io.mappedjournal.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mappedjournal.inspect.JournalFiles;
import io.mappedjournal.inspect.ManifestInfo;
import io.mappedjournal.inspect.ManifestSlot;
import io.mappedjournal.inspect.SegmentEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code journal stats DIR}: segments and their sizes, record count, checkpoint and manifest
 * generation. Quick: sealed segments are taken from the manifest (as recovery does), only the
 * active segment is walked frame by frame; without a valid manifest every segment is walked.
 * Read-only. Use {@code verify} to check every frame.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Segments, sizes, record count, durable checkpoint, manifest generation. Read-only; sealed segments "
                + "are taken from the manifest, the active one is walked (use 'verify' to check every frame).",
                "Exit 0, or 1 when a manifest slot is refused or the active segment has unreadable frames."})
public final class StatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Journal directory.")
    Path dir;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    static final class Row {
        String file;
        long index = -1;
        long firstSequence;
        long nextSequence;
        long length;
        long usedBytes;
        long records;
        String state;
        String source;
    }

    @Override
    public Integer call() throws IOException {
        JournalDirs.existing(dir);
        JournalDirs.noteLiveWriter(dir, spec.commandLine().getErr(), "stats");
        final PrintWriter out = spec.commandLine().getOut();
        final ManifestSlots slots = ManifestSlots.read(dir);
        final List<String> problems = new ArrayList<>();
        for (ManifestSlot s : slots.slots) {
            if (s.present() && s.manifest() == null) {
                problems.add(s.name() + ": refused: " + s.problem());
            }
        }
        final ManifestInfo manifest = slots.chosen;
        final SegmentWalk walk = new SegmentWalk(dir);
        final long[] files = walk.files();
        final Map<Long, SegmentEntry> entries = new HashMap<>();
        if (manifest != null) {
            manifest.segments().forEach(e -> entries.put(e.firstSequence(), e));
        }
        for (String[] m : slots.missingSegments(files)) {
            problems.add(m[0] + ": " + m[1]);
        }
        // Walk only what the manifest cannot vouch for: the active segment, or all without a manifest.
        final long walkFrom = manifest != null && manifest.active() != null ? manifest.active().firstSequence() : 0;
        final Map<Long, SegmentWalk.SegmentResult> walked = new HashMap<>();
        final SegmentWalk.Listener listener = new SegmentWalk.Listener() {
            @Override
            public void anomaly(String file, long offset, String reason) {
                problems.add(file + (offset >= 0 ? " offset " + offset : "") + ": " + reason);
            }
        };
        if (files.length > 0) {
            for (SegmentWalk.SegmentResult r : walk.walk(walkFrom, manifest == null ? null : entries, listener)) {
                if (r.nameSequence >= walkFrom) {
                    walked.put(r.nameSequence, r);
                }
            }
        }
        final List<Row> rows = new ArrayList<>();
        long records = 0;
        long firstSeq = -1;
        long nextSeq = -1;
        for (long f : files) {
            final Row row = new Row();
            row.file = JournalFiles.segmentName(f);
            row.length = Files.size(JournalFiles.segmentPath(dir, f));
            final SegmentEntry e = entries.get(f);
            final SegmentWalk.SegmentResult r = walked.get(f);
            if (r != null) {
                row.index = r.header == null ? -1 : r.header.segmentIndex();
                row.firstSequence = r.header == null ? f : r.header.firstSequence();
                row.nextSequence = r.header == null ? f : r.nextSequence;
                row.usedBytes = r.header == null ? 0 : r.endOffset;
                row.state = r.sealed ? "sealed" : e != null && e.sealed() ? "sealed in manifest, no seal marker"
                        : e == null && manifest != null ? "not in manifest" : "active";
                row.records = r.records;
                row.source = "frames";
            } else if (e != null) {
                row.index = e.segmentIndex();
                row.firstSequence = e.firstSequence();
                row.nextSequence = e.nextSequence();
                row.usedBytes = e.validLength();
                row.state = e.sealed() ? "sealed" : "active";
                row.records = e.nextSequence() - e.firstSequence();
                row.source = "manifest";
                if (row.length < e.validLength()) {
                    problems.add(row.file + ": the file is " + row.length + " bytes, shorter than the " + e.validLength()
                            + " bytes of frames the manifest records (truncated)");
                }
            } else {
                row.firstSequence = f;
                row.nextSequence = f;
                row.state = "not in manifest";
                row.source = "file name";
            }
            if (firstSeq < 0 && row.nextSequence > row.firstSequence) {
                firstSeq = row.firstSequence;
            }
            records += row.records;
            nextSeq = Math.max(nextSeq, row.nextSequence);
            rows.add(row);
        }
        if (manifest == null && problems.isEmpty()) {
            // Exit 1 must say why: nothing here is a journal (or no manifest vouches for the segments).
            problems.add(files.length == 0 ? "no journal here: no manifest (manifest.0, manifest.1) and no segment files"
                    : "no manifest (manifest.0, manifest.1): the segments' records were counted from their frames");
        }
        long totalBytes = 0;
        long usedBytes = 0;
        for (Row row : rows) {
            totalBytes += row.length;
            usedBytes += row.usedBytes;
        }
        if (json) {
            final ObjectMapper mapper = new ObjectMapper();
            final ObjectNode o = mapper.createObjectNode();
            o.put("dir", dir.toString());
            o.put("segments", rows.size());
            o.put("bytes", totalBytes);
            o.put("used_bytes", usedBytes);
            o.put("records", records);
            if (firstSeq >= 0) {
                o.put("first_sequence", firstSeq);
                o.put("last_sequence", nextSeq - 1);
            } else {
                o.putNull("first_sequence");
                o.putNull("last_sequence");
            }
            if (manifest != null) {
                o.put("manifest_generation", manifest.generation());
                o.put("manifest_slot", slots.chosenSlot);
                o.put("closed_cleanly", manifest.clean());
                o.put("low_water_sequence", manifest.lowWaterSequence());
                final ObjectNode c = o.putObject("checkpoint");
                c.put("segment", JournalFiles.segmentName(manifest.active().firstSequence()));
                c.put("offset", manifest.active().validLength());
                c.put("next_sequence", manifest.active().nextSequence());
            } else {
                o.putNull("manifest_generation");
                o.putNull("manifest_slot");
                o.putNull("closed_cleanly");
                o.putNull("low_water_sequence");
                o.putNull("checkpoint");
            }
            final ArrayNode segs = o.putArray("segment_list");
            for (Row row : rows) {
                final ObjectNode s = segs.addObject();
                s.put("file", row.file);
                s.put("index", row.index);
                s.put("first_sequence", row.firstSequence);
                s.put("next_sequence", row.nextSequence);
                s.put("records", row.records);
                s.put("length", row.length);
                s.put("used_bytes", row.usedBytes);
                s.put("state", row.state);
                s.put("counted_from", row.source);
            }
            final ArrayNode p = o.putArray("problems");
            problems.forEach(p::add);
            out.println(mapper.writeValueAsString(o));
        } else {
            out.println("journal stats " + dir);
            out.println("manifest:");
            for (String line : slots.describe()) {
                out.println("  " + line);
            }
            out.printf("segments: %d, %d bytes on disk, %d bytes of frames%n", rows.size(), totalBytes, usedBytes);
            for (Row row : rows) {
                out.printf("  %s  index %d  %s  %d bytes, %d used  %s (records counted %s)%n", row.file, row.index,
                        row.nextSequence > row.firstSequence ? "sequences " + SegmentWalk.range(row.firstSequence,
                                row.nextSequence - 1) + ", " + row.records + " records" : "no records", row.length,
                        row.usedBytes, row.state, row.source.equals("frames") ? "by walking its frames"
                                : "from the " + row.source);
            }
            out.printf("records: %d%s%n", records, firstSeq < 0 ? "" : " (sequences "
                    + SegmentWalk.range(firstSeq, nextSeq - 1) + ")");
            out.println("durable checkpoint: " + VerifyCommand.checkpoint(manifest, slots.chosenSlot));
            if (manifest != null) {
                out.println("manifest generation: " + manifest.generation() + " (low-water sequence "
                        + manifest.lowWaterSequence() + ")");
            }
            for (String p : problems) {
                out.println("problem: " + p);
            }
        }
        out.flush();
        return problems.isEmpty() && manifest != null ? ExitCodes.OK : ExitCodes.PROBLEMS;
    }
}
