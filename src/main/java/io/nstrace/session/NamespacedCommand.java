package io.nstrace.session;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import io.nstrace.discovery.ProcFs;
import io.nstrace.sys.Errno;
import io.nstrace.sys.Libc;
import io.nstrace.sys.NativeException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A command started in a fresh PID namespace with a private /proc, held at a gate until its namespace is fenced.
 * <p>
 * {@code unshare --pid --fork --mount-proc --kill-child} forks a small init (a POSIX shell, PID 1 inside) that
 * blocks opening a FIFO. While it waits, the caller attaches a tracing session to its namespace (event-fork
 * then adds everything it forks); {@link #release()} opens the gate and the init runs the command as its
 * child, so nothing the command does is missed. The command is deliberately not PID 1: a namespace's init
 * ignores signals it has no handler for, so forwarded SIGINT/SIGTERM would be lost. The init exits with the
 * command's status (128+N for a signal), which unshare passes on.
 */
public final class NamespacedCommand {
    /** Shell exit codes for a command that cannot be found or executed. */
    public static final int NOT_FOUND = ExitCodes.RUN_NOT_FOUND;
    public static final int NOT_EXECUTABLE = ExitCodes.RUN_NOT_EXECUTABLE;

    /**
     * The init: wait at the gate, then run the command as a child with the init's stderr. The init's own stderr
     * is /dev/null while it waits, so the shell's "Killed"/"Terminated" notes about its child never reach the
     * command's stderr; the subshell applies the redirection in the child (dash applies a simple command's
     * redirections in the waiting parent) and execs the command in place.
     */
    static final String INIT_SCRIPT = "read -r _ < \"$0\" || exit 125; exec 3>&2 2>/dev/null; (\"$@\") 2>&3 3>&-; "
            + "exit $?";

    private final Process unshare;
    private final int initPid;
    private final Path gate;
    private final ProcFs proc;

    private NamespacedCommand(Process unshare, int initPid, Path gate, ProcFs proc) {
        this.unshare = unshare;
        this.initPid = initPid;
        this.gate = gate;
        this.proc = proc;
    }

    /**
     * Starts {@code command} gated; its standard streams are this process's. {@code workDir} holds the gate FIFO
     * (0600) until {@link #release()}.
     */
    public static NamespacedCommand start(List<String> command, Path workDir, ProcFs proc) {
        checkExecutable(command.getFirst());
        Path gate = workDir.resolve("gate-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            Libc.mkfifo(gate.toString(), 0600);
        } catch (NativeException e) {
            throw NstraceException.environment("cannot create " + gate + ": " + e.getMessage());
        }
        List<String> argv = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child",
                "--", "/bin/sh", "-c", INIT_SCRIPT, gate.toString()));
        argv.addAll(command);
        Process p;
        try {
            p = new ProcessBuilder(argv).inheritIO().start();
        } catch (IOException e) {
            deleteQuietly(gate);
            throw NstraceException.environment("cannot start unshare (util-linux): " + e.getMessage());
        }
        try {
            return new NamespacedCommand(p, waitForInit(p, proc), gate, proc);
        } catch (RuntimeException e) {
            p.destroyForcibly();
            deleteQuietly(gate);
            throw e;
        }
    }

    /** Host PID of the namespace's init, blocked at the gate until {@link #release()}. */
    public int initPid() {
        return initPid;
    }

    /** Inode of the new PID namespace. */
    public long pidnsInode() {
        OptionalLong ino = proc.pidnsInode(initPid);
        if (ino.isEmpty()) {
            throw NstraceException.environment("the command's namespace init (pid " + initPid + ") vanished");
        }
        return ino.getAsLong();
    }

    /** Opens the gate: the init starts the command. */
    public void release() {
        try (OutputStream out = Files.newOutputStream(gate)) {
            out.write('\n');
        } catch (IOException e) {
            throw NstraceException.environment("cannot open the gate " + gate + ": " + e.getMessage());
        } finally {
            deleteQuietly(gate);
        }
    }

    /** Sends {@code signal} to the command (the init's children); false when there is nothing to signal. */
    public boolean signal(int signal) {
        boolean sent = false;
        for (int child : children()) {
            try {
                Libc.kill(child, signal);
                sent = true;
            } catch (NativeException e) {
                if (e.errno() != Errno.ESRCH) {
                    throw NstraceException.environment("cannot signal pid " + child + ": " + e.getMessage());
                }
            }
        }
        return sent;
    }

    /** Waits for the command; its exit status (128+N when killed by signal N), or empty on timeout. */
    public java.util.OptionalInt waitFor(Duration timeout) throws InterruptedException {
        if (!unshare.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return java.util.OptionalInt.empty();
        }
        return java.util.OptionalInt.of(unshare.exitValue());
    }

    /** Kills the whole namespace (SIGKILL to its init from outside is always delivered). */
    public void kill() {
        try {
            Libc.kill(initPid, 9);
        } catch (NativeException ignored) {
            // already gone
        }
        unshare.destroyForcibly();
        deleteQuietly(gate);
    }

    public boolean isAlive() {
        return unshare.isAlive();
    }

    private List<Integer> children() {
        return proc.readString(proc.pidDir(initPid).resolve("task").resolve(Integer.toString(initPid))
                        .resolve("children"))
                .map(s -> s.isBlank() ? List.<Integer>of()
                        : java.util.Arrays.stream(s.strip().split(" ")).map(Integer::valueOf).toList())
                .orElse(List.of());
    }

    private static int waitForInit(Process unshare, ProcFs proc) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Path children = proc.pidDir((int) unshare.pid()).resolve("task").resolve(Long.toString(unshare.pid()))
                .resolve("children");
        while (System.nanoTime() < deadline) {
            String text = proc.readString(children).orElse("").strip();
            if (!text.isEmpty()) {
                int init = Integer.parseInt(text.split(" ")[0]);
                if (proc.status(init).map(s -> s.contains("\nNSpid:") && nspidDepth(s) >= 2).orElse(false)) {
                    return init;
                }
            }
            if (!unshare.isAlive()) {
                throw NstraceException.environment("unshare exited with status " + unshare.exitValue()
                        + " before the command started (are PID namespaces available?)");
            }
            sleep(2);
        }
        throw new NstraceException(ExitCodes.ENVIRONMENT, "the command's namespace did not start within 10 s");
    }

    private static int nspidDepth(String status) {
        int i = status.indexOf("\nNSpid:");
        int end = status.indexOf('\n', i + 1);
        return status.substring(i + 7, end < 0 ? status.length() : end).strip().split("\\s+").length;
    }

    /** Fails with the shell's codes (127 not found, 126 not executable) and a clear message. */
    static void checkExecutable(String name) {
        Path found = resolve(name);
        if (found == null) {
            throw new NstraceException(NOT_FOUND, "command not found: " + name);
        }
        if (Files.isDirectory(found) || !Files.isExecutable(found)) {
            throw new NstraceException(NOT_EXECUTABLE, "cannot execute " + found
                    + (Files.isDirectory(found) ? ": is a directory" : ": permission denied"));
        }
    }

    private static Path resolve(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.exists(p) ? p : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NstraceException.environment("interrupted while starting the command");
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover FIFO in nstrace's own work directory is harmless
        }
    }
}
