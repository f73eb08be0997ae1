package io.mappedjournal;

/**
 * A record longer than the configured maximum was refused.
 */
public class RecordTooLargeException extends JournalException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     */
    public RecordTooLargeException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     * @param cause   the underlying failure
     */
    public RecordTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
