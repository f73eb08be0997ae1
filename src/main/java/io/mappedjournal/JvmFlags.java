package io.mappedjournal;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks at open that the JVM was started with the flags Chronicle Bytes/Core need on Java 17+,
 * so a missing flag is a clear message naming it rather than an obscure error at first mapping.
 */
final class JvmFlags {
    /** The full list an application must add (the same as in the README and the launcher). */
    static final String[] REQUIRED = {
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    };

    private JvmFlags() {
    }

    /** Flags from {@link #REQUIRED} the running JVM lacks (checked through the module system). */
    static List<String> missing() {
        final List<String> missing = new ArrayList<>();
        final Module unnamed = JvmFlags.class.getClassLoader().getUnnamedModule();
        for (String flag : REQUIRED) {
            final boolean opens = flag.startsWith("--add-opens=");
            final String spec = flag.substring(flag.indexOf('=') + 1, flag.lastIndexOf('='));
            final String moduleName = spec.substring(0, spec.indexOf('/'));
            final String pkg = spec.substring(spec.indexOf('/') + 1);
            final Module module = ModuleLayer.boot().findModule(moduleName).orElse(null);
            if (module == null) {
                continue; // e.g. jdk.compiler absent from a jlinked runtime: nothing to open
            }
            final boolean ok = opens ? module.isOpen(pkg, unnamed) : module.isExported(pkg, unnamed);
            if (!ok) {
                missing.add(flag);
            }
        }
        return missing;
    }

    static void check() {
        final List<String> missing = missing();
        if (!missing.isEmpty()) {
            throw new JournalException("mapped-journal needs these JVM flags (Chronicle Bytes on Java 17+), missing: "
                    + String.join(" ", missing) + " ; add all of: " + String.join(" ", REQUIRED));
        }
    }
}
