package io.nstrace.cli;

import io.nstrace.cli.context.Services;

import io.nstrace.error.NstraceException;
import io.nstrace.sys.Libc;
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
        // Libc's calls, not /proc/self/status: a tracing command needs them anyway, and binding them here, before
        // any instance exists, keeps that cost (~100 ms on a cold JVM) out of the recording's first seconds
        if (Libc.geteuid() == 0) {
            return;
        }
        requireDiscovery(ctx);
        requireTraceFs(ctx.traceFs());
    }

    /** Creating and removing instances needs a writable {@code instances/}. */
    static void requireTraceFs(TraceFs fs) {
        if (Libc.geteuid() != 0 && !Files.isWritable(fs.instancesDir())) {
            throw NstraceException.environment("needs root to trace: " + fs.instancesDir()
                    + " is not writable (euid " + Libc.geteuid() + "); run as root");
        }
    }
}
