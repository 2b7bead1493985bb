package io.github.mediamtxvod.catalog;

/**
 * The catalogue database could not be read or written. The message names the database file and
 * the operation; the cause is the driver's exception.
 */
public final class CatalogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
