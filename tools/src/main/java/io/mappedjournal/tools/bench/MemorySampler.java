package io.mappedjournal.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * Samples this process's resident memory from {@code /proc/self/status} every 200 ms while a run
 * lasts. {@code RssAnon} is the memory that counts against the staging bound (heap, direct
 * buffers, thread stacks); {@code RssFile} is mapped segment pages, which the kernel can drop.
 */
final class MemorySampler implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;
    private volatile long maxAnonKb;
    private volatile long maxFileKb;
    private volatile long maxRssKb;

    MemorySampler() {
        thread = new Thread(() -> {
            while (!stop) {
                sample();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-memory-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("RssAnon:")) {
                    maxAnonKb = Math.max(maxAnonKb, kb(line));
                } else if (line.startsWith("RssFile:")) {
                    maxFileKb = Math.max(maxFileKb, kb(line));
                } else if (line.startsWith("VmRSS:")) {
                    maxRssKb = Math.max(maxRssKb, kb(line));
                }
            }
        } catch (IOException e) {
            // not on Linux: nothing to report
        }
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    String report() {
        return String.format("max_rss_anon_mb=%d max_rss_file_mb=%d max_rss_mb=%d", maxAnonKb / 1024,
                maxFileKb / 1024, maxRssKb / 1024);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join();
        sample();
    }
}
