package io.mappedjournal;

/**
 * The writer's staging ring (or the pool of rings) had no space: thrown at once under FAIL, or after the timeout under BLOCK.
 */
public class StagingFullException extends JournalException {
    private static final long serialVersionUID = 1L;

    public StagingFullException(String message) {
        super(message);
    }

    public StagingFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
