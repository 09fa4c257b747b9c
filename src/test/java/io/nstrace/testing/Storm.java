package io.nstrace.testing;

import java.io.IOException;
import java.util.Comparator;
import java.util.Optional;

/**
 * A bare PID namespace ({@code unshare -p -f --mount-proc}) running a syscall storm: dd with bs=1 in a loop,
 * about a million syscall events per round. {@link #close} kills it and everything in it.
 */
public final class Storm implements AutoCloseable {
    private final Process unshare;
    private final long init;

    private Storm(Process unshare, long init) {
        this.unshare = unshare;
        this.init = init;
    }

    /** Starts the namespace running {@code script} (sh), and waits for its init. */
    public static Storm start(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("unshare", "-p", "-f", "--mount-proc", "sh", "-c", script)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        for (int i = 0; i < 200; i++) {
            Optional<ProcessHandle> child = p.children().min(Comparator.comparingLong(ProcessHandle::pid));
            if (child.isPresent()) {
                return new Storm(p, child.get().pid());
            }
            Thread.sleep(10);
        }
        p.destroyForcibly();
        throw new IOException("unshare started no namespace init");
    }

    /** The dd storm, forever. */
    public static Storm dd() throws IOException, InterruptedException {
        return start("while :; do dd if=/dev/zero of=/dev/null bs=1 count=500000 2>/dev/null; done");
    }

    /** The host PID of the namespace's init: {@code pid:<this>} selects the namespace. */
    public long init() {
        return init;
    }

    public String selector() {
        return "pid:" + init;
    }

    @Override
    public void close() {
        unshare.descendants().forEach(ProcessHandle::destroyForcibly);
        unshare.destroyForcibly();
    }
}
