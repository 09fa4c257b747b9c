package io.nstrace.cli.loop;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * {@code record --wait}: polls for matching containers (at once when a host fork/exec lands in a new PID
 * namespace, else every
 * {@value #POLL_MS} ms), recording each as it appears, until --until-exit is satisfied, --duration ends or a
 * signal (SIGINT/SIGTERM/HUP) arrives; then writes every recording, exited containers included.
 */
public final class RecordWaitLoop {
    static final long POLL_MS = 50;

    /**
     * What {@code record --wait} was asked.
     *
     * @param duration  --duration, or null for none
     * @param err       where the waiting, missed and progress lines go
     */
    public record Plan(List<String> selectors, Path spool, Duration duration, boolean untilExit, PrintWriter err) {
    }

    private final Plan cmd;
    private final Consumer<List<Session>> writeAll;
    private final BiConsumer<List<Session>, Long> progressLine;
    private final Services services;
    private final ShellHooks shell;
    private final SessionOptions options;

    /**
     * @param writeAll     writes the trace of the sessions recorded (record's own output)
     * @param progressLine prints the progress line for the sessions and the time elapsed (ns)
     */
    public RecordWaitLoop(Plan plan, Consumer<List<Session>> writeAll, BiConsumer<List<Session>, Long> progressLine,
            Services services, ShellHooks shell, SessionOptions options) {
        this.cmd = plan;
        this.writeAll = writeAll;
        this.progressLine = progressLine;
        this.services = services;
        this.shell = shell;
        this.options = options;
    }

    public int run() {
        ContainerDiscovery files = new ContainerDiscovery(services.procFs(), RuntimeRoots.forProc(services.procFs().root()).withoutApis());
        ContainerArrivals waiter = new ContainerArrivals(services.sessions(), files, cmd.selectors(), options,
                cmd.spool(), services.procFs());
        try {
            try (waiter) {
                PrintWriter err = cmd.err();
                err.println("nstrace record: waiting for " + String.join(" ", cmd.selectors()));
                err.flush();
                loop(waiter);
            }
            List<Session> recordings = waiter.recordings();
            PrintWriter err = cmd.err();
            waiter.missed().forEach(m -> err.println("nstrace record: missed " + m));
            if (recordings.isEmpty()) {
                throw NstraceException.user("no container matching " + String.join(" ", cmd.selectors())
                        + " appeared");
            }
            writeAll.accept(recordings);
            Session.failIfSpoolFailed(recordings);
            return 0;
        } finally {
            for (Session r : waiter.recordings()) {
                r.detach();
            }
        }
    }

    private void loop(ContainerArrivals waiter) {
        long start = System.nanoTime();
        long deadline = cmd.duration() == null ? Long.MAX_VALUE : start + cmd.duration().toNanos();
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
                    progressLine.accept(waiter.recordings(), System.nanoTime() - start);
                    nextProgress = System.nanoTime() + 200_000_000;
                }
            }
        } catch (InterruptedException e) {
            // Ctrl-C in the shell: write what was recorded
        } finally {
            if (progress) {
                cmd.err().print("\r\033[K");
            }
        }
    }

    private boolean done(ContainerArrivals waiter) {
        List<Session> rs = waiter.recordings();
        if (Session.anyFailed(rs)) {
            return true;
        }
        return cmd.untilExit() && !rs.isEmpty() && rs.stream().allMatch(Session::containerExited);
    }
}
