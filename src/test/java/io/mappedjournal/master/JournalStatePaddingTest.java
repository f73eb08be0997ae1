package io.mappedjournal.master;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12: the journal state, read on every append, shares its cache line with no other object's
 * fields. The field offsets are the running JVM's own (Unsafe.objectFieldOffset), so this checks
 * the layout this JVM chose, not the one the source suggests (the state used to sit at offset 12).
 */
class JournalStatePaddingTest {
    private static final int CACHE_LINE = 64;

    @Test
    void shouldPadBothSidesOfTheStateWithACacheLine() throws Exception {
        final sun.misc.Unsafe unsafe = unsafe();
        final long state = unsafe.objectFieldOffset(JournalStateValue.class.getDeclaredField("state"));
        assertTrue(state >= CACHE_LINE, "bytes between the object's start and the state: state offset=" + state);

        long end = 0; // one past this object's last field byte
        final List<String> neighbours = new ArrayList<>();
        for (Class<?> c = JournalState.class; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                final long offset = unsafe.objectFieldOffset(f);
                end = Math.max(end, offset + size(f.getType()));
                final boolean padding = c == JournalStateLhsPadding.class || c == JournalStateRhsPadding.class;
                final boolean hotLine = f.getName().equals("state") || f.getName().equals("failure");
                if (!padding && !hotLine && Math.abs(offset - state) < CACHE_LINE) {
                    neighbours.add(f.getName() + "@" + offset);
                }
            }
        }
        assertTrue(neighbours.isEmpty(), "fields within a cache line of the state (offset " + state + "): " + neighbours);
        assertTrue(end >= state + Integer.BYTES + CACHE_LINE,
                "bytes of this object after the state: state offset=" + state + " object fields end=" + end);
    }

    private static int size(Class<?> type) {
        if (type == byte.class || type == boolean.class) {
            return 1;
        }
        if (type == short.class || type == char.class) {
            return 2;
        }
        if (type == long.class || type == double.class) {
            return 8;
        }
        return 4; // int, float, or a (possibly compressed) reference: the smaller size errs toward failing
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            final Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Assumptions.abort("sun.misc.Unsafe not available, the layout cannot be read: " + e);
            throw new AssertionError(e);
        }
    }
}
