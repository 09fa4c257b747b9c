package io.nstrace.cli.context;

import io.nstrace.discovery.ContainerDiscovery;
import io.nstrace.discovery.ProcFs;
import io.nstrace.discovery.Snapshot;
import io.nstrace.session.FencedInstances;
import io.nstrace.session.SessionTable;
import io.nstrace.session.StateDir;
import io.nstrace.tracefs.TraceFs;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The services built lazily on the {@link Roots}: the tracefs mount, procfs, discovery, the fenced instances and
 * the session table of this process. {@link #close} releases everything the process made (sessions, instances).
 */
public final class Services implements AutoCloseable {
    private final Roots roots;
    private final StateDir stateDir;
    private TraceFs traceFs;
    private Path traceFsProc;
    private Optional<Path> traceFsOverride;
    private FutureTask<Snapshot> prefetched;
    private Path prefetchedFor;
    private FencedInstances sessions;
    private java.util.function.Consumer<String> notices = line -> { };
    private SessionTable sessionTable;

    public Services(Roots roots) {
        this.roots = roots;
        this.stateDir = new StateDir(roots.stateDir());
    }

    /** The tracefs mount, located (or mounted) on first use, again when --proc or --tracefs changed. */
    public synchronized TraceFs traceFs() {
        Path proc = roots.proc();
        Optional<Path> override = roots.tracefsOverride();
        if (traceFs == null || !proc.equals(traceFsProc) || !override.equals(traceFsOverride)) {
            traceFs = TraceFs.locate(proc, override);
            traceFsProc = proc;
            traceFsOverride = override;
        }
        return traceFs;
    }

    public ProcFs procFs() {
        return new ProcFs(roots.proc());
    }

    /** Where session ownership files live ($NSTRACE_STATE_DIR, default /run/nstrace). */
    public StateDir stateDir() {
        return stateDir;
    }

    /** Container discovery over the procfs root, with the runtime state that goes with it. */
    public ContainerDiscovery discovery() {
        return ContainerDiscovery.forProc(roots.proc());
    }

    /** The fenced instances of this process, created on first use; {@link #close} detaches them all. */
    /** Where the sessions' notices of long kernel operations go (the command line: stderr on a terminal). */
    public void notices(java.util.function.Consumer<String> sink) {
        notices = java.util.Objects.requireNonNull(sink);
    }

    public synchronized FencedInstances sessions() {
        if (sessions == null) {
            sessions = FencedInstances.live(traceFs(), procFs(), stateDir);
            sessions.notices(line -> notices.accept(line));
        }
        return sessions;
    }

    /**
     * Uses {@code manager} for this process's instances instead of the live one made on first use (fixture
     * tests: a tracefs copy). Only before any session exists.
     */
    public synchronized void sessions(FencedInstances manager) {
        if (sessions != null) {
            throw new IllegalStateException("sessions already in use");
        }
        sessions = manager;
    }

    /** The sessions of this process by name (the shell's attach/start/stop/dump); closed by {@link #close}. */
    public synchronized SessionTable sessionTable() {
        if (sessionTable == null) {
            sessionTable = new SessionTable(this::sessions, this::procFs);
        }
        return sessionTable;
    }

    /** The session table if one was made, without making it. */
    public synchronized Optional<SessionTable> sessionTableIfAny() {
        return Optional.ofNullable(sessionTable);
    }

    /** The stderr line reporting sessions left by dead nstrace processes, or empty (never throws). */
    public String orphanWarning() {
        try {
            return stateDir.orphanWarning(procFs());
        } catch (RuntimeException e) {
            return "";
        }
    }

    /**
     * Starts a namespace scan of the current procfs root on a helper thread, so it overlaps the building of the
     * command model (most of a one-shot command's start-up on a cold JVM); {@link #namespaces()} takes it.
     */
    public synchronized void prefetchNamespaces() {
        Path root = roots.proc();
        prefetched = new FutureTask<>(() -> ContainerDiscovery.forProc(root).scanNamespaces());
        prefetchedFor = root;
        Thread.ofPlatform().daemon().name("nstrace-prefetch").start(prefetched);
    }

    /** A namespace scan ({@link ContainerDiscovery#scanNamespaces()}): the prefetched one once, if it is of this root. */
    public Snapshot namespaces() {
        FutureTask<Snapshot> f;
        synchronized (this) {
            f = roots.proc().equals(prefetchedFor) ? prefetched : null;
            prefetched = null;
            prefetchedFor = null;
        }
        if (f != null) {
            try {
                return f.get();
            } catch (ExecutionException e) {
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
            if (sessionTable != null) {
                SessionTable t = sessionTable;
                sessionTable = null;
                t.close();
            }
        } finally {
            if (sessions != null) {
                FencedInstances s = sessions;
                sessions = null;
                s.close();
            }
        }
    }
}
