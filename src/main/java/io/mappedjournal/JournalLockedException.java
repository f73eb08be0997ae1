package io.mappedjournal;

/**
 * Another writer, in this or another process, holds the journal directory's lock.
 */
public class JournalLockedException extends JournalException {
    private static final long serialVersionUID = 1L;

    public JournalLockedException(String message) {
        super(message);
    }

    public JournalLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
