package io.mappedjournal.recovery;

import java.nio.file.Path;

/** Something recovery found wrong: where (file and byte offset, -1 if the whole file) and why. */
public final class Anomaly {
    private final Path file;
    private final long offset;
    private final String reason;

    public Anomaly(Path file, long offset, String reason) {
        this.file = file;
        this.offset = offset;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }

    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return (file == null ? "journal" : file.getFileName().toString()) + (offset >= 0 ? " offset=" + offset : "")
                + ": " + reason;
    }
}
