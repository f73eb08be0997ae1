package io.mappedjournal.manifest;

/**
 * Layout of one manifest slot file ({@code manifest.0} or {@code manifest.1}). The journal
 * writes generation {@code g} into slot {@code g % 2}, so a torn write damages only the slot
 * being written and the other still holds the previous generation.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Magic "MJMF" (int32)                          |
 *  +---------------------------------------------------------------+
 *  |                 Format version (int32)                        |
 *  +---------------------------------------------------------------+
 *  |                 Generation (int64)                            |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Retention low-water sequence (int64)          |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Flags (int32): bit 0 = closed cleanly         |
 *  +---------------------------------------------------------------+
 *  |                 Entry count N (int32)                         |
 *  +---------------------------------------------------------------+
 *  |  N entries of 40 bytes, in journal order:                     |
 *  |    first sequence (int64)                                     |
 *  |    next sequence (int64): one past the last record, as of     |
 *  |        valid length (a checkpoint for the active segment)     |
 *  |    segment index (int64)                                      |
 *  |    valid length (int64): bytes of frames known synced          |
 *  |    state (int32): 1 active, 2 sealed; reserved (int32)         |
 *  +---------------------------------------------------------------+
 *  |                 CRC32C of all preceding bytes (int32)         |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p><b>Invariant:</b> a slot is believed only if its magic, version, length and CRC are all
 * right; of two believable slots the higher generation wins.
 */
public final class ManifestDescriptor {
    /** Magic at offset 0 of every slot. */
    public static final int MAGIC = 0x464D4A4D; // "MJMF" little-endian
    /** The slot format version this code reads and writes. */
    public static final int FORMAT_VERSION = 1;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int GENERATION_OFFSET = 8;
    static final int LOW_WATER_OFFSET = 16;
    static final int FLAGS_OFFSET = 24;
    static final int COUNT_OFFSET = 28;
    /** Offset of the first entry. */
    public static final int ENTRIES_OFFSET = 32;
    /** Bytes per entry. */
    public static final int ENTRY_LENGTH = 40;
    static final int ENTRY_FIRST_SEQUENCE = 0;
    static final int ENTRY_NEXT_SEQUENCE = 8;
    static final int ENTRY_SEGMENT_INDEX = 16;
    static final int ENTRY_VALID_LENGTH = 24;
    static final int ENTRY_STATE = 32;
    static final int CRC_LENGTH = 4;
    static final int FLAG_CLEAN = 1;
    static final int STATE_ACTIVE = 1;
    static final int STATE_SEALED = 2;
    /** Refuse absurd counts before allocating: a journal of 1M segments is 64 TiB at 64 MiB each. */
    public static final int MAX_ENTRIES = 1 << 20;

    private ManifestDescriptor() {
    }

    /**
     * Length of a slot holding {@code entries} entries, CRC included.
     *
     * @param entries the entry count
     * @return the slot length in bytes
     */
    public static int slotLength(int entries) {
        return ENTRIES_OFFSET + entries * ENTRY_LENGTH + CRC_LENGTH;
    }

    /**
     * File name of a slot.
     *
     * @param slot 0 or 1
     * @return {@code manifest.<slot>}
     */
    public static String slotName(int slot) {
        return "manifest." + slot;
    }
}
