package io.mappedjournal;

/**
 * The journal is closed (or closing): the append was not taken.
 */
public class JournalClosedException extends JournalException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     */
    public JournalClosedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     * @param cause   the underlying failure
     */
    public JournalClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
