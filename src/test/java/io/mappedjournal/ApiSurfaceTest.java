package io.mappedjournal;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Guards the public API (the packages {@code io.mappedjournal}, {@code .policy}, {@code .metrics},
 * {@code .inspect}):
 * <ol>
 *   <li>the surface (every public type and public/protected member, found by reflection) equals the
 *       checked-in list {@code src/test/resources/io/mappedjournal/api-surface.txt}, so it cannot grow
 *       or shrink unnoticed;</li>
 *   <li>no public signature (parameter, return, field, exception, supertype, type argument) names a
 *       type of an internal package;</li>
 *   <li>every public method, constructor and field is used by at least one test of this module
 *       (found in the compiled tests' bytecode, not declared by hand; compile-time constants are
 *       inlined by javac, so those are exempt and their values asserted in {@link ApiUsageTest}).</li>
 * </ol>
 * To accept an intended change, update the list; {@code -Dapi.surface.write=true} rewrites it.
 */
class ApiSurfaceTest {
    static final List<String> API_PACKAGES = List.of("io.mappedjournal", "io.mappedjournal.policy",
            "io.mappedjournal.metrics", "io.mappedjournal.inspect");
    static final String RESOURCE = "api-surface.txt";

    /** One public type or member: its signature line, and for members the bytecode key tests use. */
    record Entry(String signature, String key, boolean constant) {
        Entry(String signature, String key) {
            this(signature, key, false);
        }
    }

    @Test
    void surfaceMatchesTheCheckedInList() throws Exception {
        final Set<String> actual = new TreeSet<>();
        for (Entry e : surface()) {
            actual.add(e.signature);
        }
        if (Boolean.getBoolean("api.surface.write")) {
            final Path file = Paths.get("src/test/resources/io/mappedjournal", RESOURCE);
            Files.write(file, actual, StandardCharsets.UTF_8);
        }
        final Set<String> expected = new TreeSet<>();
        try (InputStream in = ApiSurfaceTest.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                fail("missing resource io/mappedjournal/" + RESOURCE);
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    expected.add(line.strip());
                }
            }
        }
        final Set<String> added = new TreeSet<>(actual);
        added.removeAll(expected);
        final Set<String> removed = new TreeSet<>(expected);
        removed.removeAll(actual);
        if (!added.isEmpty() || !removed.isEmpty()) {
            fail("the public API changed (update src/test/resources/io/mappedjournal/" + RESOURCE
                    + " if intended; -Dapi.surface.write=true rewrites it):\n"
                    + added.stream().map(s -> "+ " + s).collect(Collectors.joining("\n"))
                    + (added.isEmpty() || removed.isEmpty() ? "" : "\n")
                    + removed.stream().map(s -> "- " + s).collect(Collectors.joining("\n")));
        }
    }

    @Test
    void noPublicSignatureNamesAnInternalType() throws Exception {
        final List<String> leaks = new ArrayList<>();
        for (Class<?> c : apiTypes()) {
            check(c, "supertype of " + c.getName(), c.getGenericSuperclass(), leaks);
            for (java.lang.reflect.Type t : c.getGenericInterfaces()) {
                check(c, "supertype of " + c.getName(), t, leaks);
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f)) {
                    check(c, "field " + f, f.getGenericType(), leaks);
                }
            }
            for (Executable x : executables(c)) {
                if (!visible(x)) {
                    continue;
                }
                for (java.lang.reflect.Type t : x.getGenericParameterTypes()) {
                    check(c, "parameter of " + x, t, leaks);
                }
                for (java.lang.reflect.Type t : x.getGenericExceptionTypes()) {
                    check(c, "exception of " + x, t, leaks);
                }
                if (x instanceof Method m) {
                    check(c, "return of " + x, m.getGenericReturnType(), leaks);
                }
            }
        }
        assertTrue(leaks.isEmpty(), "public API signatures name internal types:\n" + String.join("\n", leaks));
    }

    @Test
    void everyPublicMemberIsUsedByATest() throws Exception {
        final Map<String, Set<String>> users = testUsages();
        final List<String> unused = new ArrayList<>();
        for (Entry e : surface()) {
            if (e.key != null && !e.constant && !users.containsKey(e.key)) {
                unused.add(e.signature);
            }
        }
        assertTrue(unused.isEmpty(), "public API members no test of this module uses (add a usage with "
                + "assertions, e.g. to ApiUsageTest):\n" + String.join("\n", unused));
    }

    // ------------------------------------------------------------------ reflection

    static List<Class<?>> apiTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        final Path root = Paths.get(Journal.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final List<Class<?>> types = new ArrayList<>();
        for (String pkg : API_PACKAGES) {
            final Path dir = root.resolve(pkg.replace('.', '/'));
            final List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.toString().endsWith(".class")).sorted().collect(Collectors.toList());
            }
            for (Path p : files) {
                final String simple = p.getFileName().toString().replace(".class", "");
                if (simple.equals("package-info")) {
                    continue;
                }
                final Class<?> c = Class.forName(pkg + "." + simple, false, ApiSurfaceTest.class.getClassLoader());
                if (!c.isSynthetic() && !c.isAnonymousClass() && !c.isLocalClass() && isPublicType(c)) {
                    types.add(c);
                }
            }
        }
        types.sort((a, b) -> a.getName().compareTo(b.getName()));
        return types;
    }

    static boolean isPublicType(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) && !(k != c && Modifier.isProtected(c.getModifiers()))) {
                return false;
            }
        }
        return true;
    }

    static boolean visible(Member m) {
        return !m.isSynthetic() && (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers()))
                && !(m instanceof Method meth && meth.isBridge());
    }

    static List<Executable> executables(Class<?> c) {
        final List<Executable> all = new ArrayList<>(Arrays.asList(c.getDeclaredConstructors()));
        for (Method m : c.getDeclaredMethods()) {
            if (c.isEnum() && isEnumImplicit(m)) {
                continue; // values() and valueOf(String): generated by the compiler
            }
            all.add(m);
        }
        return all;
    }

    static boolean isEnumImplicit(Method m) {
        return Modifier.isStatic(m.getModifiers()) && (m.getName().equals("values") && m.getParameterCount() == 0
                || m.getName().equals("valueOf") && Arrays.equals(m.getParameterTypes(), new Class<?>[]{String.class}));
    }

    static List<Entry> surface() throws Exception {
        final List<Entry> entries = new ArrayList<>();
        for (Class<?> c : apiTypes()) {
            final StringBuilder t = new StringBuilder("type ").append(Modifier.toString(c.getModifiers()
                    & ~Modifier.STATIC & ~Modifier.ABSTRACT & ~Modifier.INTERFACE)).append(' ')
                    .append(c.isInterface() ? "interface" : c.isEnum() ? "enum" : "class").append(' ').append(c.getName());
            if (c.getGenericSuperclass() != null && c.getSuperclass() != Object.class && !c.isEnum()) {
                t.append(" extends ").append(c.getGenericSuperclass().getTypeName());
            }
            if (c.getGenericInterfaces().length > 0) {
                t.append(c.isInterface() ? " extends " : " implements ").append(Arrays.stream(c.getGenericInterfaces())
                        .map(java.lang.reflect.Type::getTypeName).collect(Collectors.joining(", ")));
            }
            entries.add(new Entry(t.toString(), null));
            final String owner = Type.getInternalName(c);
            for (Field f : c.getDeclaredFields()) {
                if (visible(f)) {
                    // A compile-time constant (static final primitive or String) is inlined where it
                    // is used, so bytecode cannot show its use: ApiUsageTest asserts its value.
                    final boolean constant = Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers())
                            && (f.getType().isPrimitive() || f.getType() == String.class);
                    entries.add(new Entry("field " + f.toGenericString(),
                            owner + "." + f.getName() + ":" + Type.getDescriptor(f.getType()), constant));
                }
            }
            for (Executable x : executables(c)) {
                if (!visible(x)) {
                    continue;
                }
                if (x instanceof Constructor<?> k) {
                    entries.add(new Entry("constructor " + k.toGenericString(),
                            owner + ".<init>" + Type.getConstructorDescriptor(k)));
                } else {
                    final Method m = (Method) x;
                    entries.add(new Entry("method " + m.toGenericString().replace("default ", ""),
                            owner + "." + m.getName() + Type.getMethodDescriptor(m)));
                }
            }
        }
        return entries;
    }

    static void check(Class<?> owner, String where, java.lang.reflect.Type t, List<String> leaks) {
        if (t == null) {
            return;
        }
        if (t instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            final String pkg = c.getPackageName();
            if (pkg.startsWith("io.mappedjournal") && !API_PACKAGES.contains(pkg)) {
                leaks.add(where + ": " + c.getName());
            }
        } else if (t instanceof ParameterizedType p) {
            check(owner, where, p.getRawType(), leaks);
            for (java.lang.reflect.Type a : p.getActualTypeArguments()) {
                check(owner, where, a, leaks);
            }
        } else if (t instanceof GenericArrayType g) {
            check(owner, where, g.getGenericComponentType(), leaks);
        } else if (t instanceof WildcardType w) {
            for (java.lang.reflect.Type b : w.getUpperBounds()) {
                check(owner, where, b, leaks);
            }
            for (java.lang.reflect.Type b : w.getLowerBounds()) {
                check(owner, where, b, leaks);
            }
        } else if (t instanceof TypeVariable<?> v) {
            for (java.lang.reflect.Type b : v.getBounds()) {
                check(owner, where, b, leaks);
            }
        }
    }

    // ------------------------------------------------------------------ test bytecode

    /** Member key (owner.name+descriptor) to the test classes whose code uses it. */
    static Map<String, Set<String>> testUsages() throws IOException, URISyntaxException {
        final Path root = Paths.get(ApiSurfaceTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final Map<String, Set<String>> users = new TreeMap<>();
        final List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
        }
        for (Path file : files) {
            final String user = root.relativize(file).toString();
            if (user.startsWith("io/mappedjournal/ApiSurfaceTest")) {
                continue; // this test's own reflection uses nothing
            }
            new ClassReader(Files.readAllBytes(file)).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitMethodInsn(int op, String owner, String n, String d, boolean itf) {
                            users.computeIfAbsent(owner + "." + n + d, k -> new TreeSet<>()).add(user);
                        }

                        @Override
                        public void visitFieldInsn(int op, String owner, String n, String d) {
                            users.computeIfAbsent(owner + "." + n + ":" + d, k -> new TreeSet<>()).add(user);
                        }

                        @Override
                        public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
                            for (Object a : args) {
                                if (a instanceof Handle h) { // method references: Journal::metrics
                                    users.computeIfAbsent(h.getOwner() + "." + h.getName() + h.getDesc(),
                                            k -> new TreeSet<>()).add(user);
                                }
                            }
                        }
                    };
                }

                @Override
                public FieldVisitor visitField(int access, String name, String desc, String sig, Object value) {
                    return null;
                }
            }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
        return users;
    }
}
