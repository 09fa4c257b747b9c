package io.nstrace.cli;

import io.nstrace.error.ExitCodes;
import io.nstrace.cli.context.Services;
import io.nstrace.cli.loop.RecordWaitLoop;
import io.nstrace.cli.context.ShellHooks;

import io.nstrace.discovery.Container;
import io.nstrace.discovery.ContainerDiscovery;
import io.nstrace.discovery.Selectors;
import io.nstrace.format.output.OutputFormat;
import io.nstrace.session.Session;
import io.nstrace.session.SessionOptions;
import io.nstrace.sys.Libc;
import io.nstrace.sys.Signals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nstrace record SELECTOR...}: attach, start, wait, stop, dump, detach — in one command. */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Trace containers until --duration ends, Ctrl-C (SIGINT/SIGTERM), or they all exit; then write the trace.",
                "Each container is traced in its own tracefs instance, fenced to its PIDs; several containers go to one file, one buffer each (as trace-cmd -B)."})
public final class RecordCommand implements Callable<Integer> {
    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ContainersMixin containers;

    @Mixin
    TraceOptionsMixin trace;

    @Mixin
    OutputMixin output;

    @Mixin
    SpoolMixin spool;

    @Option(names = {"-d", "--duration"}, paramLabel = "DUR", converter = DurationConverter.class,
            description = "Stop after this long (500ms, 10s, 2m). Default: until Ctrl-C or the containers exit.")
    Duration duration;

    @Option(names = "--wait", description = "Treat the selectors as patterns for containers still to come: attach "
            + "to each one that appears (e.g. docker compose up after nstrace started), one buffer each.")
    boolean waitFor;

    @Option(names = "--until-exit", description = "With --wait: stop once at least one container was recorded "
            + "and every recorded container exited, or --duration ends if given first (default with --wait: until "
            + "--duration or Ctrl-C).")
    boolean untilExit;

    @Option(names = "--stop-on-stdin", description = "Also stop when a line arrives on stdin or stdin closes: for "
            + "a caller holding a pipe to nstrace (nstrace kube record stops its agents' recordings this way).")
    boolean stopOnStdin;

    @Mixin
    SummaryMixin summaryFiles;

    @Mixin
    ProfileMixin profile;

    @Override
    public Integer call() throws Exception {
        Services services = parent.services();
        SessionOptions options = profile.withEvents(trace.toOptions(),
                output.format(OutputFormat.text) == OutputFormat.profile,
                spec.commandLine().getErr(),
                spec.qualifiedName());
        if (untilExit && !waitFor) {
            throw new ParameterException(spec.commandLine(), "--until-exit needs --wait");
        }
        if (stopOnStdin && waitFor) {
            throw new ParameterException(spec.commandLine(), "--stop-on-stdin does not go with --wait");
        }
        output.check(ExitCodes.USAGE); // before any tracing: a bad path must not cost the recording
        summaryFiles.check(ExitCodes.USAGE);
        profile.check(ExitCodes.USAGE);
        Privileges.requireTracing(services);
        spool.checked();
        if (waitFor) {
            RecordWaitLoop.Plan plan = new RecordWaitLoop.Plan(containers.selectors(), spool.spool(), duration,
                    untilExit, spec.commandLine().getErr());
            return new RecordWaitLoop(plan, this::writeAll, this::progressLine, services, parent.shell(), options)
                    .run();
        }
        ContainerDiscovery discovery = services.discovery();
        List<Container> targets = Selectors.select(discovery.scanNamespaces(), containers.selectors(), true);
        List<Session> recordings = new ArrayList<>();
        try {
            for (Container c : targets) {
                recordings.add(Session.attach(services.sessions(), discovery.detailed(c), options, spool.spool(),
                        services.procFs()));
            }
            // the stop signals are ours from the first start on: one that lands while the recorders start
            // still stops the recording and writes it (before, during attach, the JVM's default ends the process
            // and the shutdown hook removes what attach made)
            java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
            try (Signals ignored = parent.shell().inShell() ? null : Signals.handle(sig -> stop.countDown(), "INT", "TERM",
                    "HUP")) {
                recordings.forEach(Session::start);
                if (stopOnStdin) {
                    StdinStop.watch(System.in, stop::countDown);
                }
                waitForEnd(recordings, parent.shell(), stop);
            }
            writeAll(recordings);
            Session.failIfSpoolFailed(recordings);
        } finally {
            for (Session r : recordings) {
                r.detach();
            }
        }
        return 0;
    }

    /** Stops what still runs, writes the trace, the summaries and the per-container lines on stderr. */
    void writeAll(List<Session> recordings) {
        recordings.forEach(Session::release); // the instances go while the trace is written
        io.nstrace.format.TraceData data = Session.traceData(recordings);
        long written = output.write(data, spec.commandLine().getOut(), OutputFormat.text);
        io.nstrace.format.output.TraceSummary counts = SummaryMixin.summarise(data);
        summaryFiles.write(counts, null, output.file());
        profile.write(data, output.file());
        summary(recordings, counts, written);
    }

    /** Until -d ends, the containers exit, {@code stop} (a signal) or an interrupt (Ctrl-C in the shell). */
    private void waitForEnd(List<Session> recordings, ShellHooks shell, java.util.concurrent.CountDownLatch stop) {
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        boolean progress = !shell.inShell() && Libc.isatty(2);
        try {
            long start = System.nanoTime();
            while (System.nanoTime() < deadline && !recordings.stream().allMatch(Session::containerExited)
                    && !Session.anyFailed(recordings)) {
                if (progress) {
                    progressLine(recordings, System.nanoTime() - start);
                }
                if (stop.await(Math.max(1, Math.min(200, (deadline - System.nanoTime()) / 1_000_000)),
                        java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            // Ctrl-C in the shell: stop and write what was recorded
        } finally {
            if (progress) {
                spec.commandLine().getErr().print("\r\033[K");
            }
        }
    }

    void progressLine(List<Session> recordings, long elapsedNanos) {
        long events = recordings.stream().mapToLong(Session::events).sum();
        long lost = recordings.stream().mapToLong(Session::lost).sum();
        PrintWriter err = spec.commandLine().getErr();
        err.printf("\r\033[Krecording %d container(s): %,d events, %,d lost, %.1f s", recordings.size(), events, lost,
                elapsedNanos / 1e9);
        err.flush();
    }

    /**
     * One line per container, counted as the summaries count (events of the container's own tasks; those without
     * an in-container PID), then what its buffer held in all (the host side of scheduler events included).
     */
    private void summary(List<Session> recordings, io.nstrace.format.output.TraceSummary counts, long written) {
        PrintWriter err = spec.commandLine().getErr();
        for (Session r : recordings) {
            var c = counts.container(r.container().name());
            long own = c.map(io.nstrace.format.output.TraceSummary.ContainerStats::events).orElse(0L);
            long noPid = c.map(io.nstrace.format.output.TraceSummary.ContainerStats::withoutContainerPid).orElse(0L);
            err.printf("nstrace record: %s: %,d events (%,d without an in-container PID; %,d recorded in its buffer), "
                            + "%,d lost%s, %.1f s%s%n", r.container().name(), own, noPid, r.events(), r.lost(),
                    r.failure() != null ? " (LOST EVENTS: the spool failed)"
                    : r.lost() > 0 ? " (LOST EVENTS: raise -b)" : "", r.duration().toMillis() / 1000.0,
                    r.containerExited() ? ", container exited" : "");
        }
        if (output.file() != null) {
            err.printf("nstrace record: wrote %s (%s)%n", output.file(), output.describe());
        }
        err.flush();
    }
}
