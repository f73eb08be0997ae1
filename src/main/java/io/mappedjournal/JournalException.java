package io.mappedjournal;

/**
 * Base of every error the journal reports. Messages name what was wrong as name=value pairs (path, segment, offset, expected, actual).
 */
public class JournalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     */
    public JournalException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     * @param cause   the underlying failure
     */
    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
