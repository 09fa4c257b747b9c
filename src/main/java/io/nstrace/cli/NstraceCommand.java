package io.nstrace.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The top-level {@code nstrace} command: global options and the list of subcommands. */
@Command(name = "nstrace",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Finds every container (PID namespace) on this host and traces it with ftrace.",
        subcommands = {
                ReportCommand.class,
                CaptureRawCommand.class,
        })
public final class NstraceCommand implements Callable<Integer> {
    private final AppContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces of internal errors.")
    boolean verbose;

    public NstraceCommand(AppContext context) {
        this.context = context;
    }

    public AppContext context() {
        return context;
    }

    @Option(names = "--proc", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "The procfs root to scan (default: $NSTRACE_PROC or /proc).")
    void proc(Path dir) {
        if (dir != null) {
            context.proc(dir);
        }
    }

    @Option(names = "--tracefs", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "The tracefs root (default: $NSTRACE_TRACEFS, else found in mounts or mounted).")
    void tracefs(Path dir) {
        if (dir != null) {
            context.tracefs(dir);
        }
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command");
    }
}
