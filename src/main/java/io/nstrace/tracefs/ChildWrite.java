package io.nstrace.tracefs;

import io.nstrace.error.NstraceException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A tracefs write the kernel may take minutes over (growing {@code buffer_size_kb}: ~90 s for 9.5 GB per CPU
 * here), done by a child process ({@code tee FILE}) so it can be cancelled. The kernel's ring-buffer allocation
 * stops only for a fatal signal; a signal the JVM handles is not one, so a write from nstrace's own thread could
 * be neither interrupted nor abandoned (its instance stays busy until the write ends). SIGKILL to the child ends
 * the allocation at once: the kernel frees what it had allocated and the instance can be removed.
 */
public final class ChildWrite {
    private final Path file;
    private final String value;
    private final Process process;

    private ChildWrite(Path file, String value, Process process) {
        this.file = file;
        this.value = value;
        this.process = process;
    }

    /** Starts writing {@code value} to {@code file} (O_TRUNC, as the shell's {@code >}) in a child process. */
    static ChildWrite start(Path file, String value) throws IOException {
        Process p = new ProcessBuilder("tee", file.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(value.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        return new ChildWrite(file, value, p);
    }

    /**
     * Waits for the write to end; a refusal becomes the same {@link TraceFsWriteException} an in-process write
     * gives, with tee's errno text. Interrupted (Ctrl-C in the shell), it cancels the write first.
     */
    void await(TraceInstance instance) {
        int rc;
        try {
            rc = process.waitFor();
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw new NstraceException(io.nstrace.error.ExitCodes.USER, "interrupted while writing '" + value + "' to "
                    + file + " (cancelled)", e);
        }
        if (rc != 0) {
            String err;
            try {
                err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                err = "";
            }
            throw new TraceFsWriteException(file, value, reason(err, rc), instance.kernelError());
        }
    }

    /** Kills the child (SIGKILL: the kernel abandons the allocation) and waits until it is gone. */
    public void cancel() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** tee's "tee: FILE: Cannot allocate memory" gives the errno text; a kill gives the signal. */
    static String reason(String teeError, int rc) {
        String last = teeError.lines().reduce((a, b) -> b).orElse("");
        int colon = last.lastIndexOf(": ");
        if (colon >= 0) {
            return last.substring(colon + 2);
        }
        return rc > 128 ? "cancelled (signal " + (rc - 128) + ")" : "tee exited with status " + rc;
    }
}
