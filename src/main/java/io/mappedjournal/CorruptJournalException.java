package io.mappedjournal;

/**
 * The journal's files contradict themselves or a frame fails its CRC where the recovery mode does not allow it; the message names the file and offset.
 */
public class CorruptJournalException extends JournalException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     */
    public CorruptJournalException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     * @param cause   the underlying failure
     */
    public CorruptJournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
