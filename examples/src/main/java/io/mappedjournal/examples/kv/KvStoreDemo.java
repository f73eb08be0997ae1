package io.mappedjournal.examples.kv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Demo: 4 threads put {@code N} keys each into a store in {@code args[0]} (default
 * {@code ./kv-demo}), one key in ten is deleted again; the store is closed, reopened, and every key
 * checked. Prints what the reopen did (snapshot, records replayed). Needs the Chronicle JVM flags
 * (see the root README). Exit code 0 on success, 1 on a failed check or error (message on stderr).
 */
public final class KvStoreDemo {
    private KvStoreDemo() {
    }

    public static void main(String[] args) throws Exception {
        final Path dir = Path.of(args.length > 0 ? args[0] : "kv-demo");
        final int perThread = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        try {
            System.exit(run(dir, perThread) ? 0 : 1);
        } catch (IOException | RuntimeException e) {
            System.err.println("kv demo failed: " + e.getMessage());
            System.exit(1);
        }
    }

    static boolean run(Path dir, int perThread) throws Exception {
        final String run = Long.toString(System.currentTimeMillis(), 36);
        final KvStore.Options options = KvStore.Options.builder().checkpointEvery(1_000).checkpointOnClose(false).build();
        final long start = System.nanoTime();
        try (KvStore store = KvStore.open(dir, options)) {
            System.out.println("opened " + dir.toAbsolutePath() + ": " + store.openReport());
            final List<Thread> threads = new ArrayList<>();
            final List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                final int id = t;
                final Thread th = new Thread(() -> {
                    try {
                        for (int n = 0; n < perThread; n++) {
                            final String key = run + "-t" + id + "-" + n;
                            store.put(key, "value of " + key);
                            if (n % 10 == 9) {
                                store.delete(key);
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, "kv-demo-" + t);
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            if (!errors.isEmpty()) {
                System.err.println("kv demo: a writer failed: " + errors.get(0));
                return false;
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("4 threads: %d acknowledged changes in %.2f s; last checkpoint covers sequence %d%n",
                    4L * (perThread + perThread / 10), seconds, store.checkpointSequence());
        }
        try (KvStore store = KvStore.open(dir, options)) {
            System.out.println("reopened: " + store.openReport());
            int bad = 0;
            for (int t = 0; t < 4; t++) {
                for (int n = 0; n < perThread; n++) {
                    final String key = run + "-t" + t + "-" + n;
                    final String expected = n % 10 == 9 ? null : "value of " + key;
                    if (!java.util.Objects.equals(expected, store.get(key))) {
                        bad++;
                    }
                }
            }
            System.out.println(bad == 0 ? "every change found after reopening" : bad + " keys wrong after reopening");
            return bad == 0;
        }
    }
}
