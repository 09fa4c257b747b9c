package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;
import io.nstrace.cli.context.Roots;
import io.nstrace.cli.context.Services;
import io.nstrace.cli.context.ShellHooks;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The top-level {@code nstrace} command and its global options; {@link Cli} adds the subcommands. */
@Command(name = "nstrace",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Finds every container (PID namespace) on this host and traces it with ftrace.",
                "Without a command on a terminal, starts the interactive trace> shell."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:success", "1:user error: unknown or ambiguous container, bad event or filter",
                "2:usage error", "3:environment: not root, no tracefs, the kernel lacks or refuses a feature",
                "4:internal error (a bug: run with --verbose and report it)"})
public final class NstraceCommand implements Callable<Integer> {
    private final AppContext context;

    @Spec
    CommandSpec spec;

    public NstraceCommand(AppContext context) {
        this.context = context;
    }

    public AppContext context() {
        return context;
    }

    public Roots roots() {
        return context.roots();
    }

    public Services services() {
        return context.services();
    }

    public ShellHooks shell() {
        return context.shell();
    }

    @Option(names = "--proc", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "The procfs root to scan (default: $NSTRACE_PROC or /proc).")
    void proc(Path dir) {
        if (dir != null) {
            context.roots().proc(dir);
        }
    }

    @Option(names = "--tracefs", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "The tracefs root (default: $NSTRACE_TRACEFS, else found in mounts or mounted).")
    void tracefs(Path dir) {
        if (dir != null) {
            context.roots().tracefs(dir);
        }
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces of internal errors.")
    void verbose(boolean on) {
        context.roots().verbose(on);
    }

    /** No command: the shell when stdin is a terminal (and no shell runs yet), else a usage error. */
    @Override
    public Integer call() {
        if (context.shell().stdinIsTerminal() && !context.shell().inShell()) {
            return context.shell().shellLauncher().launch(java.util.Optional.empty());
        }
        throw new ParameterException(spec.commandLine(), "missing command");
    }
}
