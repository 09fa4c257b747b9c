package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;

/**
 * Builds the one picocli command model that both the command line and the shell execute. The commands of the
 * layers above (the shell, the benchmarks) are not known here: {@code io.nstrace.Commands} hands them in as
 * {@code extras}; visible ones are listed right after help, hidden ones last.
 */
public final class Cli {
    /** The subcommands of this package, in the order help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            CompletionCommand.class, PsCommand.class, RecordCommand.class, RunCommand.class, ReportCommand.class,
            EventsCommand.class, AttachCommand.class, TracingCommand.Start.class, TracingCommand.Stop.class, DumpCommand.class,
            StatusCommand.class, DetachCommand.class, ResetCommand.class);
    /** Global options that take a value: the word after them is not the subcommand. */
    private static final Set<String> VALUED_GLOBALS = Set.of("--proc", "--tracefs");

    private Cli() {
    }

    /** The whole model: for the shell, completion, man pages and help. */
    public static CommandLine create(AppContext context, PrintWriter out, PrintWriter err, List<Class<?>> extras) {
        return build(context, out, err, all(extras));
    }

    /** help, the visible extras, this package's commands, the hidden extras. */
    private static List<Class<?>> all(List<Class<?>> extras) {
        List<Class<?>> all = new java.util.ArrayList<>();
        all.add(HelpCommand.class);
        extras.stream().filter(c -> !hidden(c)).forEach(all::add);
        all.addAll(SUBCOMMANDS);
        extras.stream().filter(Cli::hidden).forEach(all::add);
        return all;
    }

    private static boolean hidden(Class<?> c) {
        CommandLine.Command a = c.getAnnotation(CommandLine.Command.class);
        return a != null && a.hidden();
    }

    /**
     * The model for one command line: when {@code args} name a subcommand, only that one is built. picocli
     * reads every command's annotations when it builds a model (about 100 ms for all of nstrace's on a cold
     * JVM), which a one-shot {@code nstrace ps} should not pay; anything else (no command, a typo, --help) gets
     * the whole model, so help and suggestions are unchanged.
     */
    public static CommandLine forArgs(AppContext context, PrintWriter out, PrintWriter err, String[] args,
            List<Class<?>> extras) {
        String name = subcommandName(args);
        if ("ps".equals(name) && java.util.Arrays.stream(args).noneMatch(a -> a.startsWith("--proc"))) {
            context.services().prefetchNamespaces(); // the scan overlaps building the model
        }
        for (Class<?> c : all(extras)) {
            CommandLine.Command a = c.getAnnotation(CommandLine.Command.class);
            if (a != null && a.name().equals(name)) {
                return build(context, out, err, List.of(c));
            }
        }
        return create(context, out, err, extras);
    }

    /** The first word of {@code args} that is neither a global option nor its value, or null. */
    static String subcommandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (VALUED_GLOBALS.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    private static CommandLine build(AppContext context, PrintWriter out, PrintWriter err, List<Class<?>> subs) {
        ErrorHandler errors = new ErrorHandler(context);
        ContextFactory factory = new ContextFactory(context);
        CommandLine cmd = new CommandLine(NstraceCommand.class, factory);
        for (Class<?> c : subs) {
            cmd.addSubcommand(new CommandLine(c, factory));
        }
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler(errors);
        cmd.setParameterExceptionHandler(errors);
        cmd.setExitCodeExceptionMapper(errors);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        // long kernel operations (allocating a large buffer) say what they do, on a terminal only
        context.services().notices(line -> {
            if (io.nstrace.sys.Libc.isatty(2)) {
                err.println("nstrace: " + line);
                err.flush();
            }
        });
        CommandLine run = cmd.getSubcommands().get("run");
        if (run != null) {
            // run's CMD keeps its own options even without "--": everything after the first word is CMD's
            run.setStopAtPositional(true);
            RunCommand.describeOutput(run.getCommandSpec());
        }
        return cmd;
    }
}
