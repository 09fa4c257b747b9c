package io.nstrace;

import io.nstrace.bench.CaptureRawCommand;
import io.nstrace.bench.DiscoveryBenchCommand;
import io.nstrace.cli.Cli;
import io.nstrace.cli.context.AppContext;
import io.nstrace.shell.ShellCommand;
import io.nstrace.shell.TraceShell;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.List;

/**
 * The whole command model: {@link Cli}'s commands plus those of the layers above it (the shell, the hidden
 * benchmark commands), and the shell wired in as the context's {@link io.nstrace.cli.context.ShellLauncher}. The
 * command line, the shell, completion and the man pages all build it here, so cli never imports shell.
 */
public final class Commands {
    /** The commands cli does not know, in help order (visible ones follow help, hidden ones come last). */
    static final List<Class<?>> EXTRAS = List.of(ShellCommand.class, DiscoveryBenchCommand.class,
            CaptureRawCommand.class);

    private Commands() {
    }

    /** The whole model: for the shell, completion, man pages and help. */
    public static CommandLine create(AppContext context, PrintWriter out, PrintWriter err) {
        wireShell(context);
        return Cli.create(context, out, err, EXTRAS);
    }

    /** The model for one command line (only the named subcommand is built, see {@link Cli#forArgs}). */
    public static CommandLine forArgs(AppContext context, PrintWriter out, PrintWriter err, String[] args) {
        wireShell(context);
        return Cli.forArgs(context, out, err, args, EXTRAS);
    }

    private static void wireShell(AppContext context) {
        context.shell().shellLauncher(history -> TraceShell.onSystemTerminal(context,
                (out, err) -> create(context, out, err), history.orElseGet(TraceShell::defaultHistoryFile)));
    }
}
