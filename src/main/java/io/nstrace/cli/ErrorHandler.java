package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Turns every failure into one line on stderr, {@code nstrace <command>: <message>}, and a named exit code:
 * explained failures carry theirs, usage errors give 2, anything else is a bug (4, stack trace with --verbose).
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler, IExitCodeExceptionMapper {
    private final AppContext context;

    ErrorHandler(AppContext context) {
        this.context = context;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        String prefix = prefix(cmd);
        if (ex instanceof NstraceException ne) {
            err.println(cmd.getColorScheme().errorText(prefix + ne.getMessage()));
            err.flush();
            return ne.exitCode();
        }
        io.nstrace.format.DamagedTraceException damaged = damaged(ex);
        if (damaged != null) { // a damaged spool segment or file met outside report: data error, not a bug
            err.println(cmd.getColorScheme().errorText(prefix + damaged.getMessage()));
            err.flush();
            return ExitCodes.USER;
        }
        if (interrupted(ex)) {
            err.println(cmd.getColorScheme().errorText(prefix + "interrupted"));
            err.flush();
            return ExitCodes.USER;
        }
        err.println(cmd.getColorScheme().errorText(prefix + "internal error: " + ex));
        if (verbose(parseResult)) {
            StringWriter trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            err.print(trace);
        } else {
            err.println("run again with --verbose for the stack trace, and report it as a bug");
        }
        err.flush();
        return ExitCodes.INTERNAL;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getColorScheme().errorText(prefix(cmd) + lowerFirst(ex.getMessage().strip())));
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information");
        err.flush();
        // nstrace run reserves every code but 124-127 for the command's own status (as docker run does)
        return cmd.getCommandSpec().userObject() instanceof RunCommand ? ExitCodes.RUN_FAILED : ExitCodes.USAGE;
    }

    @Override
    public int getExitCode(Throwable exception) {
        return exception instanceof NstraceException ne ? ne.exitCode() : ExitCodes.INTERNAL;
    }

    private static String prefix(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName() + ": ";
    }

    private boolean verbose(ParseResult parseResult) {
        return context.roots().verbose() || parseResult != null && parseResult.hasMatchedOption("--verbose");
    }

    private static io.nstrace.format.DamagedTraceException damaged(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof io.nstrace.format.DamagedTraceException d) {
                return d;
            }
        }
        return null;
    }

    /** Ctrl-C in the shell interrupts the command's thread; a command that lets that escape just stops. */
    private static boolean interrupted(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof java.nio.channels.ClosedByInterruptException
                    || t instanceof java.io.InterruptedIOException) {
                return true;
            }
        }
        return false;
    }

    /** picocli's messages start with a capital ("Unknown option", "Invalid value"); ours are lower-case. */
    static String lowerFirst(String message) {
        if (message.length() > 1 && Character.isUpperCase(message.charAt(0))
                && !Character.isUpperCase(message.charAt(1))) {
            return Character.toLowerCase(message.charAt(0)) + message.substring(1);
        }
        return message;
    }
}
