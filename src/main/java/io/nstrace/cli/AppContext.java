package io.nstrace.cli;

import io.nstrace.discovery.ProcFs;
import io.nstrace.session.SessionManager;
import io.nstrace.session.StateDir;
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
    private StateDir stateDir = new StateDir(StateDir.DEFAULT);
    private SessionManager sessions;

    public AppContext(Path proc, Optional<Path> tracefsOverride) {
        this.proc = proc;
        this.tracefsOverride = tracefsOverride;
    }

    public AppContext(Path proc, Optional<Path> tracefsOverride, Path stateDir) {
        this(proc, tracefsOverride);
        this.stateDir = new StateDir(stateDir);
    }

    /** Roots from NSTRACE_PROC / NSTRACE_TRACEFS, else /proc and the located tracefs. */
    public static AppContext fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static AppContext fromEnvironment(Map<String, String> env) {
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

    public ProcFs procFs() {
        return new ProcFs(proc);
    }

    /** Where session ownership files live ($NSTRACE_STATE_DIR, default /run/nstrace). */
    public StateDir stateDir() {
        return stateDir;
    }

    /** The sessions of this process, created on first use; {@link #close} detaches them all. */
    public synchronized SessionManager sessions() {
        if (sessions == null) {
            sessions = SessionManager.live(traceFs(), procFs(), stateDir);
        }
        return sessions;
    }

    /** The stderr line reporting sessions left by dead nstrace processes, or empty (never throws). */
    public String orphanWarning() {
        try {
            return stateDir.orphanWarning(procFs());
        } catch (RuntimeException e) {
            return "";
        }
    }

    @Override
    public synchronized void close() {
        if (sessions != null) {
            SessionManager s = sessions;
            sessions = null;
            s.close();
        }
    }
}
