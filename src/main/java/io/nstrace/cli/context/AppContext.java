package io.nstrace.cli.context;

import io.nstrace.session.StateDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What lives longer than one parsed command, in three parts: the {@link Roots} (set by the global options), the
 * {@link Services} built lazily on them, and the {@link ShellHooks}. One context serves a one-shot command and a
 * whole shell session; picocli resets command fields on every parse, so state never lives there. Commands take
 * the part they use. Closing it releases everything the process made (sessions, instances).
 */
public final class AppContext implements AutoCloseable {
    private final Roots roots;
    private final Services services;
    private final ShellHooks shell;

    public AppContext(Path proc, Optional<Path> tracefsOverride) {
        this(proc, tracefsOverride, StateDir.DEFAULT);
    }

    public AppContext(Path proc, Optional<Path> tracefsOverride, Path stateDir) {
        this.roots = new Roots(proc, tracefsOverride, stateDir);
        this.services = new Services(roots);
        this.shell = new ShellHooks(services);
    }

    /** Roots from NSTRACE_PROC / NSTRACE_TRACEFS / NSTRACE_STATE_DIR, else /proc, the located tracefs, /run/nstrace. */
    public static AppContext fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    public static AppContext fromEnvironment(Map<String, String> env) {
        String proc = env.getOrDefault("NSTRACE_PROC", "");
        String tracefs = env.getOrDefault("NSTRACE_TRACEFS", "");
        String state = env.getOrDefault("NSTRACE_STATE_DIR", "");
        return new AppContext(Path.of(proc.isEmpty() ? "/proc" : proc),
                tracefs.isEmpty() ? Optional.empty() : Optional.of(Path.of(tracefs)),
                state.isEmpty() ? StateDir.DEFAULT : Path.of(state));
    }

    public Roots roots() {
        return roots;
    }

    public Services services() {
        return services;
    }

    public ShellHooks shell() {
        return shell;
    }

    @Override
    public void close() {
        services.close();
    }
}
