package io.nstrace.cli;

import io.nstrace.discovery.ContainerDiscovery;
import io.nstrace.tracefs.TraceFs;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What lives longer than one parsed command: the filesystem roots and the services built on them. One context
 * serves a one-shot command and a whole shell session; picocli resets command fields on every parse, so state
 * never lives there. Closing it releases everything the process made (sessions, instances).
 */
public final class AppContext implements AutoCloseable {
    private Path proc;
    private Optional<Path> tracefsOverride;
    private TraceFs traceFs;

    public AppContext(Path proc, Optional<Path> tracefsOverride) {
        this.proc = proc;
        this.tracefsOverride = tracefsOverride;
    }

    /** Roots from NSTRACE_PROC / NSTRACE_TRACEFS, else /proc and the located tracefs. */
    public static AppContext fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static AppContext fromEnvironment(Map<String, String> env) {
        String proc = env.getOrDefault("NSTRACE_PROC", "");
        String tracefs = env.getOrDefault("NSTRACE_TRACEFS", "");
        return new AppContext(Path.of(proc.isEmpty() ? "/proc" : proc),
                tracefs.isEmpty() ? Optional.empty() : Optional.of(Path.of(tracefs)));
    }

    public Path proc() {
        return proc;
    }

    /** Called by the global {@code --proc} option. */
    void proc(Path proc) {
        if (!proc.equals(this.proc)) {
            this.proc = proc;
            this.traceFs = null;
        }
    }

    /** Called by the global {@code --tracefs} option. */
    void tracefs(Path tracefs) {
        Optional<Path> o = Optional.of(tracefs);
        if (!o.equals(tracefsOverride)) {
            this.tracefsOverride = o;
            this.traceFs = null;
        }
    }

    /** The tracefs mount, located (or mounted) on first use. */
    public TraceFs traceFs() {
        if (traceFs == null) {
            traceFs = TraceFs.locate(proc, tracefsOverride);
        }
        return traceFs;
    }

    /** Container discovery over the procfs root, with the runtime state that goes with it. */
    public ContainerDiscovery discovery() {
        return ContainerDiscovery.forProc(proc);
    }

    @Override
    public void close() {
        // sessions and their instances are released here once the session layer exists
    }
}
