package io.nstrace;

import io.nstrace.cli.context.AppContext;

import java.io.PrintWriter;

/** Entry point: the only place that calls {@link System#exit}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        java.util.Optional<String> version = io.nstrace.cli.Cli.versionOnly(args);
        if (version.isPresent()) {
            System.out.print(version.get());
            System.out.flush();
            System.exit(io.nstrace.error.ExitCodes.OK);
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        // as if SIGINT had not been inherited ignored (a background job of a script): Ctrl-C/kill -INT stop nstrace
        io.nstrace.sys.Signals.restoreInterrupt(() -> System.exit(128 + io.nstrace.sys.Signals.SIGINT));
        int rc;
        try (AppContext context = AppContext.fromEnvironment()) {
            String orphans = context.services().orphanWarning();
            if (!orphans.isEmpty()) {
                err.println(orphans);
            }
            java.util.Optional<String> help = io.nstrace.cli.Cli.rootHelpOnly(args);
            if (help.isPresent()) {
                out.print(help.get());
                rc = io.nstrace.error.ExitCodes.OK;
            } else {
                rc = Commands.forArgs(context, out, err, args).execute(args);
            }
        }
        out.flush();
        err.flush();
        System.exit(rc);
    }
}
