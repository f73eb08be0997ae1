package io.mappedjournal;

/**
 * The journal stopped after an I/O failure (for example a failed sync). Nothing is acknowledged after the failure; the sync is never retried. Reopen the journal to run recovery.
 */
public class JournalFailedException extends JournalException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     */
    public JournalFailedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     * @param cause   the underlying failure
     */
    public JournalFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
