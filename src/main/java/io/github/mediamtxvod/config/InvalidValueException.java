package io.github.mediamtxvod.config;

/**
 * A value breaks its setting's rule. The message says what is wrong and how to fix it, and
 * follows {@code NAME=value } in the problem the user sees, such as {@code is below the minimum of
 * 1; set it to a whole number from 1 to 64 (the default is 3)}. It never holds a secret value.
 */
public final class InvalidValueException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidValueException(String message) {
        super(message, null, false, false);
    }
}
