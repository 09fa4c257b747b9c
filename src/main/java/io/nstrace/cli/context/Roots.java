package io.nstrace.cli.context;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The filesystem roots a command works on (the procfs root, the tracefs override, the state directory) and the
 * one global flag, --verbose. The global options set them; the shell puts them back after each line.
 */
public final class Roots {
    private Path proc;
    private Optional<Path> tracefsOverride;
    private final Path stateDir;
    private boolean verbose;

    public Roots(Path proc, Optional<Path> tracefsOverride, Path stateDir) {
        this.proc = proc;
        this.tracefsOverride = tracefsOverride;
        this.stateDir = stateDir;
    }

    /** The global options in force, to put back after a shell line that gave its own. */
    public record Saved(Path proc, Optional<Path> tracefsOverride, boolean verbose) {
    }

    public synchronized Saved save() {
        return new Saved(proc, tracefsOverride, verbose);
    }

    public synchronized void restore(Saved saved) {
        proc = saved.proc();
        tracefsOverride = saved.tracefsOverride();
        verbose = saved.verbose();
    }

    public synchronized Path proc() {
        return proc;
    }

    /** Called by the global {@code --proc} option. */
    public synchronized void proc(Path proc) {
        this.proc = proc;
    }

    public synchronized Optional<Path> tracefsOverride() {
        return tracefsOverride;
    }

    /** Called by the global {@code --tracefs} option. */
    public synchronized void tracefs(Path tracefs) {
        tracefsOverride = Optional.of(tracefs);
    }

    /** Where session ownership files live ($NSTRACE_STATE_DIR, default /run/nstrace). */
    public Path stateDir() {
        return stateDir;
    }

    public synchronized boolean verbose() {
        return verbose;
    }

    /** Called by the global {@code --verbose} option. */
    public synchronized void verbose(boolean on) {
        verbose |= on;
    }
}
