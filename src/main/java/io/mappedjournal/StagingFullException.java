package io.mappedjournal;

/**
 * The writer's staging ring (or the pool of rings) had no space: thrown at once under FAIL, or after the timeout under BLOCK.
 */
public class StagingFullException extends JournalException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     */
    public StagingFullException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause. Any thread.
     *
     * @param message what went wrong, with {@code name=value} details
     * @param cause   the underlying failure
     */
    public StagingFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
