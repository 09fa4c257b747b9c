package io.nstrace.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** Builds the one picocli command model that both the command line and the shell execute. */
public final class Cli {
    private Cli() {
    }

    public static CommandLine create(AppContext context, PrintWriter out, PrintWriter err) {
        ErrorHandler errors = new ErrorHandler(context);
        CommandLine cmd = new CommandLine(NstraceCommand.class, new ContextFactory(context));
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler(errors);
        cmd.setParameterExceptionHandler(errors);
        cmd.setExitCodeExceptionMapper(errors);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        // run's CMD keeps its own options even without "--": everything after the first word is CMD's
        cmd.getSubcommands().get("run").setStopAtPositional(true);
        return cmd;
    }
}
