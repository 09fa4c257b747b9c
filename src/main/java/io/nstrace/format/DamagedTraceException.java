package io.nstrace.format;

import java.io.IOException;

/**
 * A trace file (or spooled pages) that is cut short or corrupt: its message is one line that names the file and
 * what is wrong with it, e.g. {@code web.dat: cpu 1 data ends at byte 7000000, file declares 7340032}.
 */
public final class DamagedTraceException extends IOException {
    private static final long serialVersionUID = 1L;

    public DamagedTraceException(String message) {
        super(message);
    }

    public DamagedTraceException(String message, Throwable cause) {
        super(message, cause);
    }
}
