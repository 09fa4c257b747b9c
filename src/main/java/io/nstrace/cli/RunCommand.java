package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;

import io.nstrace.cli.loop.RunSupervisor;

import io.nstrace.cli.context.Services;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import io.nstrace.format.output.OutputFormat;
import io.nstrace.format.output.SummaryWriter;
import io.nstrace.format.TraceData;
import io.nstrace.session.Session;
import io.nstrace.session.SessionOptions;
import io.nstrace.session.TracedRun;
import io.nstrace.sys.Signals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code nstrace run -- CMD [ARGS...]}: CMD in a fresh PID namespace, traced from its first instruction; the
 * trace is written when it ends and nstrace exits with CMD's status. nstrace's own failures exit 125.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a command in a fresh PID namespace (private /proc), traced from its first instruction: it "
                + "and everything it forks or lets join its namespace, nothing else.",
                "Its stdin, stdout and stderr are untouched; SIGINT, SIGTERM and SIGHUP are forwarded to it.",
                "The trace always goes to a file: -o, default " + RunCommand.DEFAULT_OUTPUT + " (stdout stays the command's)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"N:the command's exit status (128+N when it was killed by signal N)",
                "124:the command ran longer than --timeout and was killed",
                "125:nstrace failed (bad option, tracing or writing the trace); the command's status is on stderr",
                "126:the command cannot be executed", "127:the command was not found"})
public final class RunCommand implements Callable<Integer> {
    static final String DEFAULT_OUTPUT = "nstrace-run.dat";

    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    TraceOptionsMixin trace;

    @Mixin
    OutputMixin output;

    @Mixin
    SpoolMixin spool;

    @Mixin
    SummaryMixin summary;

    @Mixin
    ProfileMixin profile;

    @Option(names = "--timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Kill the command after this long (SIGTERM, SIGKILL after --kill-after) and exit 124.")
    Duration timeout;

    @Option(names = "--kill-after", paramLabel = "DUR", converter = DurationConverter.class, defaultValue = "5s",
            description = "Grace period between SIGTERM and SIGKILL on timeout (default: ${DEFAULT-VALUE}).")
    Duration killAfter;

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() {
        if (output.file == null) {
            output.file = Path.of(defaultOutput(output.format));
        }
        Services services = parent.services();
        checkOutputs(services);
        // forwarding is on before CMD can run: a signal that lands while tracing starts reaches CMD once it runs
        Forwarder forwarder = new Forwarder(services);
        Signals signals = parent.shell().inShell() ? null : Signals.handle(forwarder::signal, "INT", "TERM", "HUP");
        TracedRun run;
        try {
            run = start(services);
        } catch (RuntimeException e) {
            closeQuietly(signals);
            throw e;
        }
        RunSupervisor.Outcome outcome = null;
        int status;
        try {
            try (signals) {
                forwarder.to(run);
                outcome = new RunSupervisor(run, timeout, killAfter).await();
            }
            status = finish(run, outcome);
        } catch (RuntimeException e) {
            throw failed(e, outcome);
        } finally {
            close(run, outcome);
        }
        return status;
    }

    /** Kills what is left and removes the instance; a failure there is nstrace's (125), CMD's status named. */
    private static void close(TracedRun run, RunSupervisor.Outcome outcome) {
        try {
            run.close();
        } catch (RuntimeException e) {
            throw failed(e, outcome);
        }
    }

    private static NstraceException failed(RuntimeException e, RunSupervisor.Outcome outcome) {
        if (e instanceof NstraceException ne && ne.exitCode() == ExitCodes.RUN_FAILED) {
            return ne;
        }
        String why = e instanceof NstraceException ? e.getMessage() : "internal error: " + e;
        return new NstraceException(ExitCodes.RUN_FAILED, why + (outcome == null ? ""
                : "; the command " + outcome.reason() + " with status " + outcome.status()), e);
    }

    /** Every file the run writes must be writable, and tracing possible, before CMD starts (else 125). */
    private void checkOutputs(Services services) {
        try {
            output.check(ExitCodes.RUN_FAILED);
            summary.check(ExitCodes.RUN_FAILED);
            profile.check(ExitCodes.RUN_FAILED);
            Privileges.requireTracing(services);
        } catch (NstraceException e) {
            throw new NstraceException(ExitCodes.RUN_FAILED, e.getMessage() + " (the command was not started)", e);
        }
    }

    /** Starts CMD traced; every failure but not-found/not-executable becomes 125 (CMD never ran). */
    private TracedRun start(Services services) {
        SessionOptions options = profile.withEvents(trace.toOptions(),
                output.format(OutputFormat.dat) == OutputFormat.profile,
                spec.commandLine().getErr(),
                spec.qualifiedName()); // a usage error here is picocli's (125 for run)
        try {
            return TracedRun.start(command, services.sessions(), services.discovery(), options, spool.spool(),
                    services.procFs());
        } catch (NstraceException e) {
            if (e.exitCode() == ExitCodes.RUN_NOT_FOUND || e.exitCode() == ExitCodes.RUN_NOT_EXECUTABLE) {
                throw e;
            }
            throw new NstraceException(ExitCodes.RUN_FAILED, e.getMessage() + " (the command was not started)", e);
        } catch (RuntimeException e) {
            throw new NstraceException(ExitCodes.RUN_FAILED, "internal error: " + e
                    + " (the command was not started)", e);
        }
    }

    /** Stops tracing, writes the trace and summaries; a failure there exits 125 and reports CMD's status. */
    private int finish(TracedRun run, RunSupervisor.Outcome outcome) {
        run.finish();
        Session r = run.recording();
        TraceData data = Session.traceData(List.of(r));
        output.write(data, spec.commandLine().getOut(), OutputFormat.dat);
        io.nstrace.format.output.TraceSummary counts = SummaryMixin.summarise(data);
        summary.write(counts, new SummaryWriter.RunOutcome(command, outcome.status(), outcome.reason()),
                output.file());
        profile.write(data, output.file());
        var err = spec.commandLine().getErr();
        if (counts.withoutContainerPid() > 0) {
            err.printf("nstrace run: %,d of %,d events of %s without an in-container PID%n",
                    counts.withoutContainerPid(), counts.container(r.container().name())
                            .map(io.nstrace.format.output.TraceSummary.ContainerStats::events).orElse(0L),
                    r.container().name());
        }
        if (r.lost() > 0) {
            err.printf("nstrace run: %,d events lost (raise -b)%n", r.lost());
        }
        if (outcome.timedOut()) {
            err.printf("nstrace run: the command %s%n", outcome.reason());
        }
        err.flush();
        if (r.failure() != null) {
            throw NstraceException.environment(r.failure()); // 125 with the command's status (see call)
        }
        return outcome.status();
    }

    /**
     * Forwards signals to CMD. One that arrives before CMD runs cancels an attach under way (a long buffer
     * allocation: run then fails with 125, CMD never started) and is otherwise kept and sent as soon as CMD runs.
     */
    private static final class Forwarder {
        private final Services services;
        private TracedRun run;
        private int pending;

        Forwarder(Services services) {
            this.services = services;
        }

        synchronized void signal(int sig) {
            if (run == null) {
                pending = pending == 0 ? sig : pending;
                services.sessions().cancelAttaches();
            } else {
                forward(run, sig);
            }
        }

        synchronized void to(TracedRun r) {
            run = r;
            if (pending != 0) {
                forward(r, pending);
            }
        }

        private static void forward(TracedRun run, int signal) {
            try {
                run.command().signal(signal);
            } catch (RuntimeException ignored) {
                // the command is gone: nothing to forward to
            }
        }
    }

    private static void closeQuietly(Signals signals) {
        if (signals != null) {
            signals.close();
        }
    }

    /**
     * run's -o never means stdout (stdout is CMD's): its help says what the shared {@link OutputMixin} option does
     * here instead of the stdout default record and dump have.
     */
    static void describeOutput(picocli.CommandLine.Model.CommandSpec run) {
        picocli.CommandLine.Model.OptionSpec o = run.findOption("-o");
        run.remove(o);
        run.addOption(picocli.CommandLine.Model.OptionSpec.builder(o).description("Write the trace here (default: "
                + DEFAULT_OUTPUT + ", or nstrace-run.txt/.json/.pftrace with --format; never stdout, which stays the "
                + "command's; checked before the command starts). The format follows the name (.dat, .json, .txt, .pftrace) "
                + "unless --format is given.").build());
    }

    static String defaultOutput(OutputFormat format) {
        if (format == null || format == OutputFormat.dat) {
            return DEFAULT_OUTPUT;
        }
        return "nstrace-run." + switch (format) {
            case json -> "json";
            case text, summary, profile -> "txt";
            case dat -> "dat";
            case perfetto -> "pftrace";
        };
    }
}
