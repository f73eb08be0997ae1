package io.mappedjournal.policy;

/**
 * How recovery treats a bad frame, chosen at open (modelled on RocksDB's WAL recovery modes).
 * Whatever the mode, what is recovered is returned in order and no frame with a bad CRC is ever
 * handed back as data. Every mode, the default included, scans every segment, sealed or active,
 * from its first frame (each frame's length, CRC32C and sequence are checked at every open;
 * docs/FORMAT.md, "What is scanned"), up to where the mode refuses or cuts the journal.
 */
public enum RecoveryMode {
    /**
     * The default. A bad frame after the durable checkpoint is a torn tail from a crash: the
     * journal is truncated there. A bad frame before the checkpoint or in a sealed segment
     * (acknowledged data) refuses to open, naming segment and offset.
     */
    TOLERATE_TAIL,
    /** Stop at the first bad frame anywhere and keep the prefix before it; later segments are set aside. */
    POINT_IN_TIME,
    /** Salvage every valid frame: bad ranges are covered by skip frames and reported. */
    SKIP_CORRUPTED,
    /** Any anomaly (bad frame, missing or unexplained file, damaged manifest slot) refuses to open. */
    ABSOLUTE;

    /**
     * The tool's spelling: {@code tolerate-tail}, {@code point-in-time}, {@code skip-corrupted},
     * {@code absolute}.
     *
     * <p>Threading: any thread.
     *
     * @return the name in lower case with dashes
     */
    public String cliName() {
        return name().toLowerCase().replace('_', '-');
    }

    /**
     * The mode with the tool's spelling {@code name}; see {@link #cliName()}.
     *
     * <p>Threading: any thread.
     *
     * @param name the name in lower case with dashes
     * @return the mode
     * @throws IllegalArgumentException if no mode has that name
     */
    public static RecoveryMode fromCliName(String name) {
        for (RecoveryMode m : values()) {
            if (m.cliName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown recovery mode '" + name
                + "': expected tolerate-tail, point-in-time, skip-corrupted or absolute");
    }
}
