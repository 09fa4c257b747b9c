package io.nstrace.cli;

import io.nstrace.cli.context.Services;
import io.nstrace.cli.context.ShellHooks;

import io.nstrace.error.NstraceException;
import io.nstrace.discovery.ContainerDiscovery;
import io.nstrace.discovery.RuntimeRoots;
import io.nstrace.session.ContainerArrivals;
import io.nstrace.session.Session;
import io.nstrace.session.SessionOptions;
import io.nstrace.sys.Libc;
import io.nstrace.sys.Signals;

import java.io.PrintWriter;
import java.util.List;

/**
 * {@code record --wait}: polls for matching containers (at once when a host fork/exec lands in a new PID
 * namespace, else every
 * {@value #POLL_MS} ms), recording each as it appears, until --until-exit is satisfied, --duration ends or a
 * signal (SIGINT/SIGTERM/HUP) arrives; then writes every recording, exited containers included.
 */
final class RecordWaitLoop {
    static final long POLL_MS = 50;

    private final RecordCommand cmd;
    private final Services services;
    private final ShellHooks shell;
    private final SessionOptions options;

    RecordWaitLoop(RecordCommand cmd, Services services, ShellHooks shell, SessionOptions options) {
        this.cmd = cmd;
        this.services = services;
        this.shell = shell;
        this.options = options;
    }

    int run() {
        ContainerDiscovery files = new ContainerDiscovery(services.procFs(), RuntimeRoots.forProc(services.procFs().root()).withoutApis());
        ContainerArrivals waiter = new ContainerArrivals(services.sessions(), files, cmd.containers.selectors(), options,
                cmd.spool.spool(), services.procFs());
        try {
            try (waiter) {
                PrintWriter err = cmd.spec.commandLine().getErr();
                err.println("nstrace record: waiting for " + String.join(" ", cmd.containers.selectors()));
                err.flush();
                loop(waiter);
            }
            List<Session> recordings = waiter.recordings();
            PrintWriter err = cmd.spec.commandLine().getErr();
            waiter.missed().forEach(m -> err.println("nstrace record: missed " + m));
            if (recordings.isEmpty()) {
                throw NstraceException.user("no container matching " + String.join(" ", cmd.containers.selectors())
                        + " appeared");
            }
            cmd.writeAll(recordings);
            return 0;
        } finally {
            for (Session r : waiter.recordings()) {
                r.detach();
            }
        }
    }

    private void loop(ContainerArrivals waiter) {
        long start = System.nanoTime();
        long deadline = cmd.duration == null ? Long.MAX_VALUE : start + cmd.duration.toNanos();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        boolean progress = !shell.inShell() && Libc.isatty(2);
        try (Signals ignored = shell.inShell() ? null : Signals.handle(sig -> {
            // a flag, not an interrupt: an interrupt would close the channels a scan or an attach is using
            stop.set(true);
            waiter.wake();
        }, "INT", "TERM", "HUP")) {
            long nextProgress = 0;
            while (!stop.get() && System.nanoTime() < deadline && !done(waiter)) {
                long wait = Math.min(POLL_MS * 1_000_000, deadline - System.nanoTime());
                waiter.poll(wait);
                if (progress && System.nanoTime() > nextProgress) {
                    cmd.progressLine(waiter.recordings(), System.nanoTime() - start);
                    nextProgress = System.nanoTime() + 200_000_000;
                }
            }
        } catch (InterruptedException e) {
            // Ctrl-C in the shell: write what was recorded
        } finally {
            if (progress) {
                cmd.spec.commandLine().getErr().print("\r\033[K");
            }
        }
    }

    private boolean done(ContainerArrivals waiter) {
        List<Session> rs = waiter.recordings();
        return cmd.untilExit && !rs.isEmpty() && rs.stream().allMatch(Session::containerExited);
    }
}
