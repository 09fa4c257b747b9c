package io.nstrace.session;

import io.nstrace.error.NstraceException;
import io.nstrace.discovery.Container;
import io.nstrace.discovery.ContainerDiscovery;
import io.nstrace.discovery.ProcFs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code nstrace run}'s core: a command started gated in a fresh PID namespace ({@link NamespacedCommand}), the
 * namespace found by discovery and recorded as a container named {@code run-<command>} (runtime none), the
 * recording started, and only THEN the gate opened, so everything the command does is traced (event-fork adds
 * what it forks, the watcher its joiners) and nothing outside its namespace. If anything fails before the gate
 * opens, the command is killed without ever having run.
 */
public final class TracedRun implements AutoCloseable {
    private final NamespacedCommand command;
    private final Session recording;

    private TracedRun(NamespacedCommand command, Session recording) {
        this.command = command;
        this.recording = recording;
    }

    /** Starts {@code argv} traced; the gate FIFO lives in {@code spoolRoot} (0700) until released. */
    public static TracedRun start(List<String> argv, FencedInstances sessions, ContainerDiscovery discovery,
                                  SessionOptions options, Path spoolRoot, ProcFs proc) {
        PrivateDir.ensureRoot(spoolRoot, "spool root", "give --spool DIR");
        NamespacedCommand command = NamespacedCommand.start(argv, spoolRoot, proc);
        Session recording = null;
        try {
            Container c = container(discovery, command, argv.getFirst());
            recording = Session.attach(sessions, c, options, spoolRoot, proc);
            recording.start();
            command.release();
            return new TracedRun(command, recording);
        } catch (RuntimeException e) {
            command.kill();
            if (recording != null) {
                try {
                    recording.detach();
                } catch (RuntimeException d) {
                    e.addSuppressed(d);
                }
            }
            throw e;
        }
    }

    /** The gated init's namespace as a container, read in full; discovery is retried briefly if it races. */
    static Container container(ContainerDiscovery discovery, NamespacedCommand command, String program) {
        long inode = command.pidnsInode();
        for (int attempt = 0; attempt < 50; attempt++) {
            Optional<Container> found = discovery.scanNamespaces().containers().stream()
                    .filter(c -> c.pidnsInode() == inode).findFirst();
            if (found.isPresent()) {
                Container c = discovery.detailed(found.get());
                return c.toBuilder().name(runName(program)).runtime("none").withoutRuntimeDetails().build();
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw NstraceException.environment("discovery did not find the command's namespace (inode " + inode + ")");
    }

    /** {@code run-<basename of the program>}. */
    static String runName(String program) {
        String base = Path.of(program).getFileName() == null ? program : Path.of(program).getFileName().toString();
        return "run-" + (base.isEmpty() ? "cmd" : base);
    }

    public NamespacedCommand command() {
        return command;
    }

    public Session recording() {
        return recording;
    }

    /** Waits for the command to end: its status (128+N for signal N), or empty on timeout. */
    public OptionalInt waitFor(Duration timeout) throws InterruptedException {
        return command.waitFor(timeout);
    }

    /**
     * Stops tracing (if it still runs) and drains the buffers into the spool, where the data stays until close;
     * the instance goes meanwhile ({@link Session#release()}).
     */
    public void finish() {
        recording.release();
    }

    /** Kills the command if it still runs, removes the instance and the spool. */
    @Override
    public void close() {
        try {
            if (command.isAlive()) {
                command.kill();
            }
        } finally {
            recording.detach();
        }
    }
}
