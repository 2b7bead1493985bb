package io.github.mediamtxvod.upload;

/**
 * The object S3 reports after an upload does not match the local file (size or checksum): the
 * upload is not confirmed and will be repeated. The message names the key and both values.
 */
final class ConfirmationMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConfirmationMismatchException(String message) {
        super(message);
    }
}
