package io.mappedjournal.tools;

import java.nio.charset.StandardCharsets;

/**
 * The deterministic record payloads the demo, the stress driver and the crash tests use:
 * record {@code n} of producer {@code t} is the ASCII text {@code "t=<t> n=<n> "} followed by
 * filler bytes {@code (byte)((t*31 + n*17 + i) & 0x7f)} for filler position {@code i}, up to the
 * record size. A checker can therefore rebuild every byte from (t, n) alone.
 */
public final class Payloads {
    private Payloads() {
    }

    /** Writes the payload of record n of producer t into {@code dst} (its whole length). */
    public static void fill(byte[] dst, int t, long n) {
        final byte[] prefix = ("t=" + t + " n=" + n + " ").getBytes(StandardCharsets.US_ASCII);
        final int p = Math.min(prefix.length, dst.length);
        System.arraycopy(prefix, 0, dst, 0, p);
        for (int i = 0; i < dst.length - p; i++) {
            dst[p + i] = (byte) ((t * 31 + n * 17 + i) & 0x7f);
        }
    }

    public static byte[] of(int t, long n, int size) {
        final byte[] b = new byte[Math.max(size, prefixLength(t, n))];
        fill(b, t, n);
        return b;
    }

    public static int prefixLength(int t, long n) {
        return ("t=" + t + " n=" + n + " ").length();
    }

    /** Parsed (t, n) of a payload, or null if it does not start with the prefix. */
    public static long[] parse(byte[] payload, int length) {
        final String head = new String(payload, 0, Math.min(length, 48), StandardCharsets.US_ASCII);
        if (!head.startsWith("t=")) {
            return null;
        }
        final int sp1 = head.indexOf(' ');
        if (sp1 < 0 || !head.startsWith("n=", sp1 + 1)) {
            return null;
        }
        final int sp2 = head.indexOf(' ', sp1 + 1);
        if (sp2 < 0) {
            return null;
        }
        try {
            return new long[]{Long.parseLong(head.substring(2, sp1)), Long.parseLong(head.substring(sp1 + 3, sp2))};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** True if {@code payload[0, length)} is exactly record n of producer t of that length. */
    public static boolean matches(byte[] payload, int length, int t, long n) {
        final byte[] expected = new byte[length];
        fill(expected, t, n);
        for (int i = 0; i < length; i++) {
            if (payload[i] != expected[i]) {
                return false;
            }
        }
        return length >= prefixLength(t, n);
    }
}
