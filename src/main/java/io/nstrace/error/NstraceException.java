package io.nstrace.error;

/**
 * A failure that is expected and explained: its message is one lower-case line that names the input,
 * and it carries the exit code the process ends with. Anything else that escapes is a bug (exit 4).
 */
public class NstraceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public NstraceException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public NstraceException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Bad or unknown input from the user: exit 1. */
    public static NstraceException user(String message) {
        return new NstraceException(ExitCodes.USER, message);
    }

    /** The machine or kernel cannot do what was asked: exit 3. */
    public static NstraceException environment(String message) {
        return new NstraceException(ExitCodes.ENVIRONMENT, message);
    }

    public static NstraceException environment(String message, Throwable cause) {
        return new NstraceException(ExitCodes.ENVIRONMENT, message, cause);
    }
}
