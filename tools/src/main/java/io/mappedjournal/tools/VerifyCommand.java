package io.mappedjournal.tools;

import io.mappedjournal.inspect.JournalFiles;
import io.mappedjournal.inspect.ManifestInfo;
import io.mappedjournal.inspect.ManifestSlot;
import io.mappedjournal.inspect.SegmentEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code journal verify DIR}: checks both manifest slots and the CRC of every frame of every
 * segment, compares the segments with the manifest (the list, sealed ends, the active segment's
 * durable checkpoint), prints each anomaly with segment, offset and reason, then a summary.
 * Read-only: maps segments read-only and writes nothing.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check the manifest and the CRC of every frame of every segment; print a summary and each anomaly "
                + "(segment, offset, reason). Read-only.",
                "Exit 0 when the journal is clean, 1 when anything is wrong."})
public final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Journal directory.")
    Path dir;

    @Override
    public Integer call() throws IOException {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        JournalDirs.existing(dir);
        JournalDirs.noteLiveWriter(dir, spec.commandLine().getErr(), "verify");
        final List<String> anomalies = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final SegmentWalk.Listener collector = new SegmentWalk.Listener() {
            @Override
            public void anomaly(String file, long offset, String reason) {
                anomalies.add(file + (offset >= 0 ? " offset " + offset : "") + ": " + reason);
            }

            @Override
            public void note(String file, long offset, String text) {
                notes.add(file + (offset >= 0 ? " offset " + offset : "") + ": " + text);
            }
        };

        out.println("journal verify " + dir);
        final ManifestSlots slots = ManifestSlots.read(dir);
        for (String line : slots.describe()) {
            out.println("  " + line);
        }
        for (ManifestSlot s : slots.slots) {
            if (s.present() && s.manifest() == null) {
                collector.anomaly(s.name(), -1, "manifest slot refused: " + s.problem());
            }
        }
        final ManifestInfo manifest = slots.chosen;
        final SegmentWalk walk = new SegmentWalk(dir);
        final long[] files = walk.files();
        if (manifest == null) {
            collector.anomaly("manifest", -1, files.length == 0 && !slots.anyPresent()
                    ? "no journal here: no manifest slot and no segment files"
                    : "no valid manifest slot: recovery would rebuild the segment list from segment headers");
        }
        final Map<Long, SegmentEntry> entries = new HashMap<>();
        if (manifest != null) {
            for (SegmentEntry e : manifest.segments()) {
                entries.put(e.firstSequence(), e);
            }
            checkFileList(slots, files, collector, notes);
        }
        listOtherFiles(notes);

        final ProgressBar progress = ProgressBar.onTerminal(err, "verify", walk.totalBytes());
        final List<SegmentWalk.SegmentResult> results = walk.walk(0, manifest == null ? null : entries,
                new SegmentWalk.Listener() {
                    @Override
                    public void anomaly(String file, long offset, String reason) {
                        collector.anomaly(file, offset, reason);
                    }

                    @Override
                    public void note(String file, long offset, String text) {
                        collector.note(file, offset, text);
                    }

                    @Override
                    public void progress(long bytesDone) {
                        progress.update(bytesDone, null);
                    }
                });
        progress.finish();
        if (manifest != null) {
            compareWithManifest(manifest, results, collector, notes);
        }

        long records = 0;
        long payload = 0;
        long first = -1;
        long last = -1;
        for (SegmentWalk.SegmentResult r : results) {
            out.println("  segment " + r.name + ": " + describe(r, entries.get(r.nameSequence)));
            records += r.records;
            payload += r.payloadBytes;
            if (r.firstSequence >= 0 && first < 0) {
                first = r.firstSequence;
            }
            if (r.lastSequence >= 0) {
                last = r.lastSequence;
            }
        }
        for (String a : anomalies) {
            out.println("ANOMALY " + a);
        }
        for (String n : notes) {
            out.println("note " + n);
        }
        out.println("summary:");
        out.printf("  segments            %d (%d bytes)%n", files.length, walk.totalBytes());
        out.printf("  records             %d (%d payload bytes)%n", records, payload);
        out.printf("  sequences           %s%n", first < 0 ? "none" : SegmentWalk.range(first, last));
        out.printf("  durable checkpoint  %s%n", checkpoint(manifest, slots.chosenSlot));
        out.printf("  anomalies           %d%n", anomalies.size());
        out.println(anomalies.isEmpty() ? "result: clean" : "result: " + anomalies.size() + " anomal"
                + (anomalies.size() == 1 ? "y" : "ies") + " found");
        out.flush();
        return anomalies.isEmpty() ? ExitCodes.OK : ExitCodes.PROBLEMS;
    }

    static String checkpoint(ManifestInfo manifest, String slot) {
        if (manifest == null || manifest.active() == null) {
            return "unknown (no valid manifest)";
        }
        final SegmentEntry a = manifest.active();
        return JournalFiles.segmentName(a.firstSequence()) + " offset " + a.validLength() + ", records before sequence "
                + a.nextSequence() + " (manifest generation " + manifest.generation() + " in " + slot + ", "
                + (manifest.clean() ? "closed cleanly" : "not closed cleanly") + ")";
    }

    private static String describe(SegmentWalk.SegmentResult r, SegmentEntry e) {
        if (r.header == null) {
            return "unreadable header, " + r.fileLength + " bytes";
        }
        return "index " + r.header.segmentIndex() + ", "
                + (r.records == 0 ? "no records" : "sequences " + SegmentWalk.range(r.firstSequence, r.lastSequence)
                + " (" + r.records + " record" + (r.records == 1 ? "" : "s") + ")")
                + ", frames end at offset " + r.endOffset + " of " + r.fileLength
                + (r.sealed ? ", sealed" : "")
                + (e == null ? ", not in the manifest" : e.sealed() ? "" : ", active");
    }

    /** Every segment file is named by the manifest or explained; every listed segment exists. */
    private void checkFileList(ManifestSlots slots, long[] files, SegmentWalk.Listener collector, List<String> notes) {
        for (String[] m : slots.missingSegments(files)) {
            collector.anomaly(m[0], -1, m[1]);
        }
        final ManifestInfo manifest = slots.chosen;
        final SegmentEntry active = manifest.active();
        for (int i = 0; i < files.length; i++) {
            final long f = files[i];
            if (manifest.segments().stream().anyMatch(e -> e.firstSequence() == f)) {
                continue;
            }
            final String name = JournalFiles.segmentName(f);
            if (f < manifest.lowWaterSequence() && (manifest.segments().isEmpty() || f < manifest.segments().get(0).firstSequence())) {
                notes.add(name + ": below the retention low-water mark " + manifest.lowWaterSequence()
                        + " (retention had not deleted it yet; the next recovery deletes it)");
            } else if (active != null && f > active.firstSequence() && i == files.length - 1) {
                notes.add(name + ": not in the manifest yet (activated by a roll the manifest had not recorded; "
                        + "recovery adopts it)");
            } else {
                collector.anomaly(name, -1, "segment file not in the manifest and not explained by a roll or retention");
            }
        }
    }

    /** Leftover files beside the journal (preallocations, repair backups, set-aside segments). */
    private void listOtherFiles(List<String> notes) throws IOException {
        final List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                names.add(p.getFileName().toString());
            }
        }
        names.sort(null);
        for (String n : names) {
            if (JournalFiles.isPreallocated(n)) {
                notes.add(n + ": preallocated segment not yet in use (deleted by the next recovery)");
            } else if (n.endsWith(".broken")) {
                notes.add(n + ": backup of bytes an earlier 'journal recover' zeroed or skipped");
            } else if (n.endsWith(".discarded")) {
                notes.add(n + ": segment set aside by an earlier point-in-time recovery");
            }
        }
    }

    /** Sealed ends and the active segment's checkpoint against what the frames say. */
    private static void compareWithManifest(ManifestInfo manifest, List<SegmentWalk.SegmentResult> results,
                                            SegmentWalk.Listener collector, List<String> notes) {
        for (SegmentWalk.SegmentResult r : results) {
            if (r.header == null) {
                continue;
            }
            SegmentEntry e = null;
            for (SegmentEntry m : manifest.segments()) {
                if (m.firstSequence() == r.nameSequence) {
                    e = m;
                }
            }
            if (e == null) {
                continue;
            }
            if (e.segmentIndex() != r.header.segmentIndex()) {
                collector.anomaly(r.name, 0, "segment index " + r.header.segmentIndex() + " differs from the manifest's "
                        + e.segmentIndex());
            }
            if (e.sealed()) {
                if (!r.sealed) {
                    collector.anomaly(r.name, r.endOffset, "the manifest says sealed at offset " + e.validLength()
                            + " but there is no seal marker where the frames end");
                } else if (r.endOffset != e.validLength() || r.nextSequence != e.nextSequence()) {
                    collector.anomaly(r.name, r.endOffset, "sealed at offset " + r.endOffset + " before sequence "
                            + r.nextSequence + " but the manifest says offset " + e.validLength() + " before sequence "
                            + e.nextSequence());
                }
                continue;
            }
            // The active segment: frames must reach the durable checkpoint, and pass it at the right sequence.
            if (r.endOffset < e.validLength()) {
                collector.anomaly(r.name, r.endOffset, "frames end at offset " + r.endOffset
                        + " before the durable checkpoint at offset " + e.validLength()
                        + " (acknowledged records before sequence " + e.nextSequence() + " are missing)");
            } else if (r.sequenceAtProbe < 0) {
                collector.anomaly(r.name, e.validLength(), "the durable checkpoint at offset " + e.validLength()
                        + " is not at a frame boundary");
            } else if (r.sequenceAtProbe != e.nextSequence()) {
                collector.anomaly(r.name, e.validLength(), "the durable checkpoint says sequence " + e.nextSequence()
                        + " starts at offset " + e.validLength() + " but the frame there is sequence " + r.sequenceAtProbe);
            } else if (manifest.clean() && r.endOffset != e.validLength()) {
                collector.anomaly(r.name, e.validLength(), "closed cleanly with frames ending at offset " + e.validLength()
                        + " but " + (r.endOffset - e.validLength()) + " more bytes of frames follow, up to offset "
                        + r.endOffset);
            } else if (r.endOffset > e.validLength()) {
                notes.add(r.name + " offset " + e.validLength() + ": records " + SegmentWalk.range(e.nextSequence(),
                        r.nextSequence - 1) + " were written after the last durable checkpoint (not closed cleanly: "
                        + "normal after a crash; recovery keeps every valid frame)");
            }
        }
    }
}
