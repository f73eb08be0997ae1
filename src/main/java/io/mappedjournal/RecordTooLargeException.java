package io.mappedjournal;

/**
 * A record longer than the configured maximum was refused.
 */
public class RecordTooLargeException extends JournalException {
    private static final long serialVersionUID = 1L;

    public RecordTooLargeException(String message) {
        super(message);
    }

    public RecordTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
