package io.mappedjournal;

/**
 * Base of every error the journal reports. Messages name what was wrong as name=value pairs (path, segment, offset, expected, actual).
 */
public class JournalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
