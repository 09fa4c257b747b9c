package io.nstrace.cli;

import io.nstrace.cli.context.Services;

import io.nstrace.error.NstraceException;
import io.nstrace.sys.ProcSelf;
import io.nstrace.tracefs.TraceFs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Says "needs root" (exit 3) before a command that cannot work without it would run and answer with something
 * misleading: an empty table, {@code no container matches}, {@code nothing to reset}. Only a process that is not
 * root is probed, and only for what actually fails: a fake {@code --proc} or a tracefs copy of one's own still
 * works without root.
 */
final class Privileges {
    private Privileges() {
    }

    /** Discovery must read other users' {@code /proc/PID/ns/pid} links. */
    static void requireDiscovery(Services ctx) {
        int euid = ProcSelf.euid();
        if (euid == 0) {
            return;
        }
        ctx.procFs().requireProcfs();
        Optional<Path> denied = ctx.procFs().unreadableForeignNamespace(euid);
        if (denied.isPresent()) {
            throw NstraceException.environment("needs root to read other processes' namespaces (" + denied.get()
                    + ": permission denied); run as root");
        }
    }

    /** Tracing must create instances in tracefs, and find the containers first. */
    static void requireTracing(Services ctx) {
        if (ProcSelf.euid() == 0) {
            return;
        }
        requireDiscovery(ctx);
        requireTraceFs(ctx.traceFs());
    }

    /** Creating and removing instances needs a writable {@code instances/}. */
    static void requireTraceFs(TraceFs fs) {
        if (ProcSelf.euid() != 0 && !Files.isWritable(fs.instancesDir())) {
            throw NstraceException.environment("needs root to trace: " + fs.instancesDir()
                    + " is not writable (euid " + ProcSelf.euid() + "); run as root");
        }
    }
}
