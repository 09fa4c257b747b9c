package io.nstrace.tracefs;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import io.nstrace.sys.Errno;

import java.nio.file.Path;

/** A write that tracefs refused; carries the file, the value, errno and the kernel's error_log line. */
public final class TraceFsWriteException extends NstraceException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final int errno;

    private final String reason;

    public TraceFsWriteException(Path file, String value, int errno, String kernelError) {
        this(file, value, errno, TraceInstance.reason(errno), kernelError);
    }

    /**
     * A write done by a child process ({@link ChildWrite}): its errno is known only as text ({@code reason}),
     * {@code errno} 0, or it was cancelled.
     */
    public TraceFsWriteException(Path file, String value, String reason, String kernelError) {
        this(file, value, 0, reason, kernelError);
    }

    private TraceFsWriteException(Path file, String value, int errno, String reason, String kernelError) {
        super(errno == Errno.EPERM || errno == Errno.EACCES ? ExitCodes.ENVIRONMENT : ExitCodes.USER,
                "cannot write '" + value.strip() + "' to " + file + ": " + reason
                        + (kernelError.isEmpty() ? "" : " (kernel: " + kernelError + ")"));
        this.file = file;
        this.errno = errno;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    /** The errno of the write, e.g. EPERM for lockdown, EINVAL for a bad filter. */
    public int errno() {
        return errno;
    }

    /** The errno text, e.g. "Operation not permitted" for lockdown, "Invalid argument" for a bad filter. */
    public String reason() {
        return reason;
    }

    public boolean notPermitted() {
        return errno == Errno.EPERM;
    }
}
