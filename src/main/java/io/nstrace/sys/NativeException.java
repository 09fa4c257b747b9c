package io.nstrace.sys;

import java.io.IOException;

/** A failed system call: the operation, what it was applied to, and errno with its strerror text. */
public final class NativeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public NativeException(String operation, String target, int errno) {
        super(operation + " " + target + ": " + Libc.strerror(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
