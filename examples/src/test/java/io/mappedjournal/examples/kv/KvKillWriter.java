package io.mappedjournal.examples.kv;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child-process main of {@link KvStoreKillTest}: opens the store in {@code args[0]} and puts keys
 * {@code r<round>-t<thread>-<n>} from {@code args[2]} threads until killed. After each put returns
 * (acknowledged durable) it prints {@code acked <key> <value>;}; every tenth key is then deleted:
 * {@code deleting <key>;} before the call, {@code deleted <key>;} once it is acknowledged. Each line is written with one write
 * and flushed, and ends with {@code ;} so a line cut by the kill is recognisable.
 */
public final class KvKillWriter {
    private KvKillWriter() {
    }

    /** The value put for {@code key}: derived from it, of varying length. */
    static String valueFor(String key) {
        return "v-" + key + "-" + "x".repeat(Math.floorMod(key.hashCode(), 97));
    }

    static KvStore.Options options() {
        return KvStore.Options.builder().segmentSize(256 << 10).checkpointEvery(250).checkpointOnClose(false).build();
    }

    public static void main(String[] args) throws Exception {
        final Path dir = Path.of(args[0]);
        final int round = Integer.parseInt(args[1]);
        final int threads = Integer.parseInt(args[2]);
        final KvStore store;
        try {
            store = KvStore.open(dir, options());
        } catch (Exception e) {
            emit("error open " + e);
            System.exit(3);
            return;
        }
        emit("opened " + store.openReport().toString().replace(' ', ','));
        final List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int id = t;
            final Thread th = new Thread(() -> {
                try {
                    for (long n = 0; ; n++) {
                        final String key = "r" + round + "-t" + id + "-" + n;
                        final String value = valueFor(key);
                        store.put(key, value);
                        emit("acked " + key + " " + value);
                        if (n % 10 == 9) {
                            emit("deleting " + key);
                            store.delete(key);
                            emit("deleted " + key);
                        }
                    }
                } catch (Throwable e) {
                    emit("error " + e.toString().replace('\n', ' '));
                    System.exit(3);
                }
            }, "kv-writer-" + t);
            writers.add(th);
            th.start();
        }
        for (Thread th : writers) {
            th.join();
        }
    }

    private static synchronized void emit(String line) {
        final byte[] bytes = (line + ";\n").getBytes(StandardCharsets.UTF_8);
        System.out.write(bytes, 0, bytes.length);
        System.out.flush();
    }
}
