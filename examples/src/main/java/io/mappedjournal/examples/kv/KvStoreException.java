package io.mappedjournal.examples.kv;

/**
 * An error of the key-value store: a corrupt snapshot or journal record, a snapshot that does not
 * fit its journal, an operation that was not acknowledged in time, a store that is closed or
 * failed. The message names what was wrong as name=value pairs.
 */
public class KvStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KvStoreException(String message) {
        super(message);
    }

    public KvStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
