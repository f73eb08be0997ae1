package io.mappedjournal.examples.kv;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line of a child JVM that runs a main of the test classpath with the Chronicle flags. */
final class ChildJvm {
    private ChildJvm() {
    }

    static List<String> command(Class<?> main, String... args) {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(chronicleFlags());
        final String sysProps = System.getProperty("mj.sysprops", "");
        if (!sysProps.isBlank()) {
            cmd.addAll(Arrays.asList(sysProps.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-Xshare:auto",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /**
     * The flags Chronicle needs: from {@code -Dmj.flags} (set by surefire from the parent POM's
     * {@code chronicle.jvm.flags}), else those this JVM was started with (e.g. in an IDE).
     */
    static List<String> chronicleFlags() {
        final String flags = System.getProperty("mj.flags", "");
        if (!flags.isBlank()) {
            return Arrays.asList(flags.trim().split("\\s+"));
        }
        final List<String> own = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-exports") || arg.startsWith("--add-opens")) {
                own.add(arg);
            }
        }
        if (own.isEmpty()) {
            throw new IllegalStateException("no Chronicle JVM flags to give the child JVM: set -Dmj.flags "
                    + "(run through Maven, which sets it from chronicle.jvm.flags)");
        }
        return own;
    }
}
