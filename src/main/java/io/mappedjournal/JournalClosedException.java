package io.mappedjournal;

/**
 * The journal is closed (or closing): the append was not taken.
 */
public class JournalClosedException extends JournalException {
    private static final long serialVersionUID = 1L;

    public JournalClosedException(String message) {
        super(message);
    }

    public JournalClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
