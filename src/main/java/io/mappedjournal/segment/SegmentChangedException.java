package io.mappedjournal.segment;

import java.io.IOException;

/**
 * A segment file was deleted, truncated or replaced underneath the journal (by something other
 * than the journal). The message names the file and what differs. The master fails the journal
 * with it; readers report it as a {@link io.mappedjournal.CorruptJournalException}.
 */
public final class SegmentChangedException extends IOException {
    private static final long serialVersionUID = 1L;

    SegmentChangedException(String message, Throwable cause) {
        super(message, cause);
    }

    SegmentChangedException(String message) {
        super(message);
    }
}
