package net2net;

/**
 * A problem with the user's input (a file, JSON, a layer name, a width, data, a checkpoint).
 * Its message is one line that names the problem and the fix; the CLI prints it and exits 2.
 */
public class Net2NetException extends RuntimeException {
    public Net2NetException(String message) {
        super(message);
    }

    public Net2NetException(String message, Throwable cause) {
        super(message, cause);
    }
}
