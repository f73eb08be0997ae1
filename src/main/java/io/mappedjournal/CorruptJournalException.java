package io.mappedjournal;

/**
 * The journal's files contradict themselves or a frame fails its CRC where the recovery mode does not allow it; the message names the file and offset.
 */
public class CorruptJournalException extends JournalException {
    private static final long serialVersionUID = 1L;

    public CorruptJournalException(String message) {
        super(message);
    }

    public CorruptJournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
