package io.mappedjournal;

/**
 * The journal stopped after an I/O failure (for example a failed sync). Nothing is acknowledged after the failure; the sync is never retried. Reopen the journal to run recovery.
 */
public class JournalFailedException extends JournalException {
    private static final long serialVersionUID = 1L;

    public JournalFailedException(String message) {
        super(message);
    }

    public JournalFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
