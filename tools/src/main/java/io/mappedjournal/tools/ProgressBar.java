package io.mappedjournal.tools;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * A progress bar on stderr, drawn only when the tool runs on a terminal
 * ({@code System.console() != null}); otherwise every call is a no-op, so redirected output and
 * logs stay clean. Redrawn at most ten times a second; {@link #finish()} erases it.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final boolean enabled;
    private final String label;
    private final long total;
    private long lastDraw;
    private int lastLength;

    ProgressBar(PrintWriter err, String label, long total, boolean enabled) {
        this.err = err;
        this.label = label;
        this.total = Math.max(1, total);
        this.enabled = enabled;
    }

    /** A bar that draws only on a terminal. */
    static ProgressBar onTerminal(PrintWriter err, String label, long total) {
        return new ProgressBar(err, label, total, System.console() != null);
    }

    boolean enabled() {
        return enabled;
    }

    /** Reports {@code done} out of the total; cheap to call often. */
    void update(long done, String detail) {
        if (!enabled) {
            return;
        }
        final long now = System.nanoTime();
        if (lastDraw != 0 && now - lastDraw < TimeUnit.MILLISECONDS.toNanos(100) && done < total) {
            return;
        }
        lastDraw = now;
        draw(done, detail);
    }

    void draw(long done, String detail) {
        final long clamped = Math.max(0, Math.min(done, total));
        final int filled = (int) (WIDTH * clamped / total);
        final String line = label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + String.format("%3d%%", 100 * clamped / total) + (detail == null || detail.isEmpty() ? "" : " " + detail);
        final int pad = Math.max(0, lastLength - line.length());
        err.print("\r" + line + " ".repeat(pad));
        err.flush();
        lastLength = line.length();
    }

    /**
     * For a step whose progress cannot be measured (a library call): shows the label and the
     * elapsed time, redrawn five times a second from a daemon thread, until closed.
     */
    interface Ticker extends AutoCloseable {
        @Override
        void close();
    }

    static Ticker ticker(PrintWriter err, String label) {
        if (System.console() == null) {
            return () -> { };
        }
        final long start = System.nanoTime();
        final Thread t = new Thread(() -> {
            int width = 0;
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    final String line = String.format("%s ... %.1f s", label, (System.nanoTime() - start) / 1e9);
                    synchronized (err) {
                        err.print("\r" + line);
                        err.flush();
                    }
                    width = line.length();
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                // closed
            } finally {
                synchronized (err) {
                    err.print("\r" + " ".repeat(width) + "\r");
                    err.flush();
                }
            }
        }, "journal-progress");
        t.setDaemon(true);
        t.start();
        return () -> {
            t.interrupt();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Erases the bar (the line is left empty for what follows). */
    void finish() {
        if (enabled && lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            err.flush();
            lastLength = 0;
        }
    }
}
