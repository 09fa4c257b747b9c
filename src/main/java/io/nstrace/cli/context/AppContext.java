package io.nstrace.cli.context;

import io.nstrace.discovery.ProcFs;
import io.nstrace.session.SessionTable;
import io.nstrace.session.FencedInstances;
import io.nstrace.session.StateDir;
import io.nstrace.discovery.ContainerDiscovery;
import io.nstrace.discovery.Snapshot;
import io.nstrace.tracefs.TraceFs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What lives longer than one parsed command: the filesystem roots and the services built on them. One context
 * serves a one-shot command and a whole shell session; picocli resets command fields on every parse, so state
 * never lives there. Closing it releases everything the process made (sessions, instances).
 */
public final class AppContext implements AutoCloseable {
    private Path proc;
    private java.util.concurrent.FutureTask<Snapshot> prefetched;
    private Path prefetchedFor;
    private Optional<Path> tracefsOverride;
    private TraceFs traceFs;
    private boolean verbose;
    private boolean inShell;
    private BooleanSupplier stdinIsTerminal = AppContext::consoleIsTerminal;
    private Supplier<List<String>> containerNames;
    private ExitGuard exitGuard;
    private StatusSource statusSource;
    private ShellLauncher shellLauncher = history -> {
        throw io.nstrace.error.NstraceException.user("this command model has no shell");
    };
    private StateDir stateDir = new StateDir(StateDir.DEFAULT);
    private FencedInstances sessions;
    private SessionTable recordings;
    private boolean liveCandidates = true;

    /**
     * Wires the shell's hooks to this context's own state: container names from a fresh discovery pass, the exit
     * guard and the status bar from the recordings. Tests may replace them.
     */
    public AppContext(Path proc, Optional<Path> tracefsOverride) {
        this.proc = proc;
        this.tracefsOverride = tracefsOverride;
        this.containerNames = this::discoveredNames;
        this.exitGuard = () -> recordingsIfAny().map(SessionTable::pendingWarning).orElse(null);
        this.statusSource = () -> recordingsIfAny().map(SessionTable::statusLines).orElse(List.of());
    }

    public AppContext(Path proc, Optional<Path> tracefsOverride, Path stateDir) {
        this(proc, tracefsOverride);
        this.stateDir = new StateDir(stateDir);
    }

    /** Roots from NSTRACE_PROC / NSTRACE_TRACEFS, else /proc and the located tracefs. */
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

    public Path proc() {
        return proc;
    }

    /** Called by the global {@code --proc} option. */
    public void proc(Path proc) {
        if (!proc.equals(this.proc)) {
            this.proc = proc;
            this.traceFs = null;
        }
    }

    /** Called by the global {@code --tracefs} option. */
    public void tracefs(Path tracefs) {
        Optional<Path> o = Optional.of(tracefs);
        if (!o.equals(tracefsOverride)) {
            this.tracefsOverride = o;
            this.traceFs = null;
        }
    }

    /** The global options in force, to put back after a shell line that gave its own. */
    public record Roots(Path proc, Optional<Path> tracefsOverride, boolean verbose) {
    }

    public Roots roots() {
        return new Roots(proc, tracefsOverride, verbose);
    }

    public void restore(Roots roots) {
        proc(roots.proc());
        if (!roots.tracefsOverride().equals(tracefsOverride)) {
            tracefsOverride = roots.tracefsOverride();
            traceFs = null;
        }
        verbose = roots.verbose();
    }

    public boolean verbose() {
        return verbose;
    }

    /** Called by the global {@code --verbose} option. */
    public void verbose(boolean on) {
        verbose |= on;
    }

    /** Whether a {@code trace>} shell is running on this context (a nested one is refused). */
    public boolean inShell() {
        return inShell;
    }

    public void inShell(boolean on) {
        inShell = on;
    }

    /** Whether stdin is a terminal: plain {@code nstrace} then starts the shell. */
    public boolean stdinIsTerminal() {
        return stdinIsTerminal.getAsBoolean();
    }

    public void stdinIsTerminal(BooleanSupplier probe) {
        stdinIsTerminal = Objects.requireNonNull(probe);
    }

    private static boolean consoleIsTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** Names of the containers that exist now, asked afresh on every completion (discovery wires it). */
    public List<String> containerNames() {
        return liveCandidates ? containerNames.get() : List.of();
    }

    /**
     * Off while a completion script is generated: it would freeze the containers and sessions of that moment
     * into the script (they complete live in the shell only).
     */
    public void liveCandidates(boolean on) {
        liveCandidates = on;
    }

    public void containerNames(Supplier<List<String>> supplier) {
        containerNames = Objects.requireNonNull(supplier);
    }

    /** Consulted when the shell is asked to exit (sessions wire it: traces not dumped yet). */
    public ExitGuard exitGuard() {
        return exitGuard;
    }

    public void exitGuard(ExitGuard guard) {
        exitGuard = Objects.requireNonNull(guard);
    }

    /** The shell's bottom status line (sessions wire it: events/s and lost per session). */
    public StatusSource statusSource() {
        return statusSource;
    }

    public void statusSource(StatusSource source) {
        statusSource = Objects.requireNonNull(source);
    }

    /** Starts the shell: plain {@code nstrace} on a terminal and {@code nstrace shell} call it. */
    public ShellLauncher shellLauncher() {
        return shellLauncher;
    }

    public void shellLauncher(ShellLauncher launcher) {
        shellLauncher = Objects.requireNonNull(launcher);
    }

    /** The tracefs mount, located (or mounted) on first use. */
    public TraceFs traceFs() {
        if (traceFs == null) {
            traceFs = TraceFs.locate(proc, tracefsOverride);
        }
        return traceFs;
    }

    public ProcFs procFs() {
        return new ProcFs(proc);
    }

    /** Where session ownership files live ($NSTRACE_STATE_DIR, default /run/nstrace). */
    public StateDir stateDir() {
        return stateDir;
    }

    /** The sessions of this process, created on first use; {@link #close} detaches them all. */
    public synchronized FencedInstances sessions() {
        if (sessions == null) {
            sessions = FencedInstances.live(traceFs(), procFs(), stateDir);
        }
        return sessions;
    }

    /**
     * Uses {@code manager} for this context's sessions instead of the live one made on first use (fixture
     * tests: a tracefs copy). Only before any session exists.
     */
    public synchronized void sessions(FencedInstances manager) {
        if (sessions != null) {
            throw new IllegalStateException("sessions already in use");
        }
        sessions = manager;
    }

    /** The recordings of this process by session name (the shell's attach/start/stop/dump); closed by {@link #close}. */
    public synchronized SessionTable recordings() {
        if (recordings == null) {
            recordings = new SessionTable(this::sessions, this::procFs);
        }
        return recordings;
    }

    /** The names of the sessions attached now (none before the first attach), for completion. */
    public List<String> sessionNames() {
        return liveCandidates ? recordingsIfAny().map(SessionTable::names).orElse(List.of()) : List.of();
    }

    private synchronized Optional<SessionTable> recordingsIfAny() {
        return Optional.ofNullable(recordings);
    }

    /** Names of the containers a cheap discovery pass finds now; none when /proc cannot be scanned. */
    private List<String> discoveredNames() {
        try {
            return discovery().scanNamespaces().containers().stream().map(c -> c.name()).toList();
        } catch (RuntimeException e) {
            return List.of(); // completion never fails
        }
    }

    /** The stderr line reporting sessions left by dead nstrace processes, or empty (never throws). */
    public String orphanWarning() {
        try {
            return stateDir.orphanWarning(procFs());
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Container discovery over the procfs root, with the runtime state that goes with it. */
    public ContainerDiscovery discovery() {
        return ContainerDiscovery.forProc(proc);
    }

    /**
     * Starts a namespace scan of the current procfs root on a helper thread, so it overlaps the building of the
     * command model (most of a one-shot command's start-up on a cold JVM); {@link #namespaces()} takes it.
     */
    public synchronized void prefetchNamespaces() {
        Path root = proc;
        prefetched = new java.util.concurrent.FutureTask<>(() -> ContainerDiscovery.forProc(root).scanNamespaces());
        prefetchedFor = root;
        Thread.ofPlatform().daemon().name("nstrace-prefetch").start(prefetched);
    }

    /** A namespace scan ({@link ContainerDiscovery#scanNamespaces()}): the prefetched one once, if it is of this root. */
    public Snapshot namespaces() {
        java.util.concurrent.FutureTask<Snapshot> f;
        synchronized (this) {
            f = proc.equals(prefetchedFor) ? prefetched : null;
            prefetched = null;
            prefetchedFor = null;
        }
        if (f != null) {
            try {
                return f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return discovery().scanNamespaces();
    }

    @Override
    public synchronized void close() {
        try {
            if (recordings != null) {
                SessionTable r = recordings;
                recordings = null;
                r.close();
            }
        } finally {
            closeSessions();
        }
    }

    private void closeSessions() {
        if (sessions != null) {
            FencedInstances s = sessions;
            sessions = null;
            s.close();
        }
    }
}
