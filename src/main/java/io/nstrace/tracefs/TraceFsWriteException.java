package io.nstrace.tracefs;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;

import java.nio.file.Path;

/** A write that tracefs refused; carries the file, the value, the errno text and the kernel's error_log line. */
public final class TraceFsWriteException extends NstraceException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final String reason;

    public TraceFsWriteException(Path file, String value, String reason, String kernelError) {
        super(reason.equals("Operation not permitted") || reason.equals("permission denied")
                        ? ExitCodes.ENVIRONMENT : ExitCodes.USER,
                "cannot write '" + value.strip() + "' to " + file + ": " + reason
                        + (kernelError.isEmpty() ? "" : " (kernel: " + kernelError + ")"));
        this.file = file;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    /** The errno text, e.g. "Operation not permitted" for lockdown, "Invalid argument" for a bad filter. */
    public String reason() {
        return reason;
    }

    public boolean notPermitted() {
        return reason.equals("Operation not permitted");
    }
}
