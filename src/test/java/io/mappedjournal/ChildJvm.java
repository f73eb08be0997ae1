package io.mappedjournal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Launches a child JVM with the Chronicle flags and this JVM's class path, so a test can crash
 * it (kill -9) or let it crash on its own (a SIGBUS) without taking the test runner down.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** The java binary of the running JVM (from {@code java.home}). */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The command line: java, flags, class path, then {@code mainClass args...}. */
    public static List<String> command(String classPath, String mainClass, String... args) {
        final List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(Arrays.asList(JvmFlags.REQUIRED));
        cmd.add("-Dchronicle.announcer.disable=true");
        cmd.add("-Ddisable.perf.info=true");
        cmd.add("-Dchronicle.analytics.disable=true");
        // Quick start-up: these children live for a second or two.
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xmx256m");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    public static List<String> command(Class<?> mainClass, String... args) {
        return command(System.getProperty("java.class.path"), mainClass.getName(), args);
    }

    /** Starts {@code mainClass} in a child JVM; stderr goes to {@code stderrFile} (may be null: inherited). */
    public static Process start(Class<?> mainClass, File stderrFile, String... args) throws IOException {
        final ProcessBuilder pb = new ProcessBuilder(command(mainClass, args));
        if (stderrFile != null) {
            pb.redirectError(stderrFile);
        } else {
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        return pb.start();
    }

    /** kill -9 (SIGKILL) and wait for it to be gone. */
    public static void kill9(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL on Linux
        p.waitFor();
    }
}
