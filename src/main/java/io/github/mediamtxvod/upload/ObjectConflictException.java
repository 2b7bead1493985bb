package io.github.mediamtxvod.upload;

/**
 * S3 already holds other bytes under a segment's key. The uploader does not overwrite them; the
 * segment is set aside for a person to compare the two.
 */
final class ObjectConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ObjectConflictException(String message) {
        super(message);
    }
}
