package io.mappedjournal.model;

import io.mappedjournal.model.Program.*;
import io.mappedjournal.policy.Ordering;
import io.mappedjournal.policy.RecoveryMode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a program back from the text a failure prints ({@link Program#toString()}), so a shrunk
 * counterexample can be checked in verbatim as a plain regression test.
 */
final class ProgramText {
    private ProgramText() {
    }

    private static final Pattern SETUP = Pattern.compile(
            "Setup\\[(ALWAYS|NONE|BATCH\\((\\d+)ms,(\\d+)B\\)), (\\w+), (\\w+), checkpointBytes=(\\d+)]");
    private static final Pattern STEP = Pattern.compile("(\\w+)\\[([^\\[\\]]*(?:\\[[^\\]]*][^\\[\\]]*)*)]");

    static Program parse(String text) {
        final Matcher s = SETUP.matcher(text);
        if (!s.find()) {
            throw new IllegalArgumentException("no Setup[...] in: " + text);
        }
        final Sync sync = s.group(1).startsWith("BATCH") ? Sync.BATCH : Sync.valueOf(s.group(1));
        final Setup setup = new Setup(sync, sync == Sync.BATCH ? Integer.parseInt(s.group(2)) : 1,
                sync == Sync.BATCH ? Long.parseLong(s.group(3)) : 4096, Ordering.valueOf(s.group(4)),
                RecoveryMode.valueOf(s.group(5)), Integer.parseInt(s.group(6)));
        final int stepsAt = text.indexOf("steps=[");
        if (stepsAt < 0) {
            throw new IllegalArgumentException("no steps=[...] in: " + text);
        }
        final List<Step> steps = new ArrayList<>();
        final Matcher m = STEP.matcher(text.substring(stepsAt + "steps=[".length()));
        while (m.find()) {
            steps.add(step(m.group(1), m.group(2)));
        }
        return new Program(setup, steps);
    }

    private static Step step(String kind, String args) {
        final java.util.Map<String, String> a = new java.util.HashMap<>();
        final Matcher kv = Pattern.compile("(\\w+)=(\\[[^\\]]*]|[^,]+)").matcher(args);
        while (kv.find()) {
            a.put(kv.group(1), kv.group(2).trim());
        }
        switch (kind) {
            case "Append":
                return new Append(i(a, "worker"), Form.valueOf(a.get("form")), ints(a.get("sizes")), b(a, "interrupted"));
            case "Burst":
                return new Burst(i(a, "workers"), ints(a.get("sizes")), b(a, "awaitEach"));
            case "AwaitDurable":
                return new AwaitDurable(i(a, "worker"), b(a, "future"));
            case "Flush":
                return new Flush();
            case "PolicyDurable":
                return new PolicyDurable(i(a, "worker"));
            case "Read":
                return new Read(From.valueOf(a.get("from")), i(a, "permille"), b(a, "durableOnly"));
            case "OpenTail":
                return new OpenTail(From.valueOf(a.get("from")), i(a, "permille"), b(a, "durableOnly"));
            case "PollTail":
                return new PollTail(i(a, "index"));
            case "CloseWriter":
                return new CloseWriter(i(a, "worker"));
            case "OwnWriter":
                return new OwnWriter(i(a, "worker"));
            case "KillThread":
                return new KillThread(i(a, "worker"));
            case "Delete":
                return new Delete(i(a, "permille"));
            case "CloseReopen":
                return new CloseReopen(b(a, "race"), b(a, "interrupted"));
            case "Crash":
                return new Crash(b(a, "powerCut"), Long.parseLong(a.get("seed")));
            default:
                throw new IllegalArgumentException("unknown step " + kind + "[" + args + "]");
        }
    }

    private static int i(java.util.Map<String, String> a, String k) {
        return Integer.parseInt(a.get(k));
    }

    private static boolean b(java.util.Map<String, String> a, String k) {
        return Boolean.parseBoolean(a.get(k));
    }

    private static List<Integer> ints(String list) {
        final List<Integer> out = new ArrayList<>();
        for (String x : list.substring(1, list.length() - 1).split(",")) {
            if (!x.isBlank()) {
                out.add(Integer.parseInt(x.trim()));
            }
        }
        return out;
    }
}
