package org.pathways.common;

/**
 * Bad input from the user (a missing file, a wrong shape, NaN, an unknown name). Its message is one line that
 * says what is wrong and where; the CLI prints it and exits with status 2.
 */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
