package io.nstrace.sys;

import java.io.IOException;

/**
 * A failed system call: the operation, what it was applied to, and errno with its strerror text. The text is
 * made when first asked for: strerror is one of {@link Libc}'s calls, and discovery expects failures (a process
 * gone, an ioctl the kernel lacks) without ever showing them, so it need not bind Libc for them.
 */
public final class NativeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int errno;
    private String message;

    public NativeException(String operation, String target, int errno) {
        super((String) null);
        this.call = operation + " " + target;
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    @Override
    public synchronized String getMessage() {
        if (message == null) {
            message = call + ": " + Libc.strerror(errno);
        }
        return message;
    }
}
