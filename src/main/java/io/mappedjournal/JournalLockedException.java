package io.mappedjournal;

/**
 * Another writer, in this or another process, holds the journal directory's lock.
 */
public class JournalLockedException extends JournalException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     */
    public JournalLockedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     * @param cause   the underlying failure
     */
    public JournalLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
