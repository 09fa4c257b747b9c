package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;

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
            StatusCommand.class, DetachCommand.class, ResetCommand.class, KubeCommand.class,
            DiffCommand.class);
    /** Global options that take a value: the word after them is not the subcommand. */
    private static final Set<String> VALUED_GLOBALS = Set.of("--proc", "--tracefs");
    /** The root's own information options. */
    private static final Set<String> ROOT_INFO = Set.of("-h", "--help", "-V", "--version");
    /** The root's usage without colours, as a resource of the jar (see {@link #rootHelpOnly}). */
    public static final String ROOT_HELP = "/io/nstrace/cli/root-help.txt";

    private Cli() {
    }

    /** The whole model: for the shell, completion, man pages and help. */
    public static CommandLine create(AppContext context, PrintWriter out, PrintWriter err, List<Class<?>> extras) {
        return build(context, out, err, all(extras), List.of());
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
     * JVM), which a one-shot {@code nstrace ps} should not pay. The root's --help and --version get the root
     * alone, with each subcommand's {@link #listing} for the command list; anything else (no command, a typo) gets
     * the whole model, so suggestions are unchanged.
     */
    public static CommandLine forArgs(AppContext context, PrintWriter out, PrintWriter err, String[] args,
            List<Class<?>> extras) {
        String name = subcommandName(args);
        if (name == null && rootHelpOrVersion(args)) {
            return build(context, out, err, List.of(), all(extras));
        }
        if ("ps".equals(name) && java.util.Arrays.stream(args).noneMatch(a -> a.startsWith("--proc"))) {
            context.services().prefetchNamespaces(); // the scan overlaps building the model
        }
        for (Class<?> c : all(extras)) {
            CommandLine.Command a = c.getAnnotation(CommandLine.Command.class);
            if (a != null && a.name().equals(name)) {
                return build(context, out, err, List.of(c), List.of());
            }
        }
        return create(context, out, err, extras);
    }

    /**
     * What {@code nstrace --version} prints, when {@code args} are just that (or {@code -V}): the version needs no
     * command model at all, and picocli's classes alone (class files too old for the class-data archive) cost
     * more start-up than the JVM itself. Empty for any other command line.
     */
    public static java.util.Optional<String> versionOnly(String[] args) {
        if (args.length != 1 || !args[0].equals("--version") && !args[0].equals("-V")) {
            return java.util.Optional.empty();
        }
        StringBuilder text = new StringBuilder();
        for (String line : new VersionProvider().getVersion()) {
            text.append(line).append(System.lineSeparator());
        }
        return java.util.Optional.of(text.toString());
    }

    /**
     * What {@code nstrace --help} (or {@code -h}) prints, when {@code args} are just that: the root's usage as picocli
     * renders it without colours, written at build time from this same model into {@value #ROOT_HELP} (a build step,
     * {@code io.nstrace.cli.RootHelpText}; {@code RootHelpTest} checks it equals picocli's live rendering). Empty,
     * so that picocli renders it live, for any other command line, when picocli would use colours (its own
     * {@code Ansi.AUTO} decision: a terminal, {@code picocli.ansi}, NO_COLOR...), when {@code picocli.usage.width}
     * is set, or when the jar lacks the text. Building the root's model costs a cold JVM more than the JVM's start.
     */
    public static java.util.Optional<String> rootHelpOnly(String[] args) {
        if (args.length != 1 || !args[0].equals("--help") && !args[0].equals("-h")
                || System.getProperty("picocli.usage.width") != null || CommandLine.Help.Ansi.AUTO.enabled()) {
            return java.util.Optional.empty();
        }
        try (java.io.InputStream in = Cli.class.getResourceAsStream(ROOT_HELP)) {
            return in == null ? java.util.Optional.empty()
                    : java.util.Optional.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** Only the root's --help/-h or --version/-V (and global options): no subcommand's model is needed. */
    static boolean rootHelpOrVersion(String[] args) {
        boolean asked = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (VALUED_GLOBALS.contains(a)) {
                i++;
            } else if (ROOT_INFO.contains(a)) {
                asked = true;
            } else if (!a.equals("--verbose") && !VALUED_GLOBALS.contains(a.split("=", 2)[0])) {
                return false;
            }
        }
        return asked;
    }

    /**
     * What the root's usage shows of a subcommand (name, aliases, header, description, hidden), read from its
     * {@code @Command} annotation alone: picocli's full model of a command (its options, mixins, converters and
     * completion candidates) is what costs start-up time, and the root's command list needs none of it.
     */
    static CommandLine listing(Class<?> c) {
        CommandLine.Command a = c.getAnnotation(CommandLine.Command.class);
        CommandSpec spec = CommandSpec.create().name(a.name()).aliases(a.aliases());
        spec.usageMessage().header(a.header()).description(a.description()).hidden(a.hidden());
        return new CommandLine(spec);
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

    /** The root with the full models of {@code subs} and the {@link #listing} of {@code listed}. */
    private static CommandLine build(AppContext context, PrintWriter out, PrintWriter err, List<Class<?>> subs,
            List<Class<?>> listed) {
        ErrorHandler errors = new ErrorHandler(context);
        ContextFactory factory = new ContextFactory(context);
        CommandLine cmd = new CommandLine(NstraceCommand.class, factory);
        for (Class<?> c : subs) {
            cmd.addSubcommand(new CommandLine(c, factory));
        }
        for (Class<?> c : listed) {
            cmd.addSubcommand(listing(c));
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
        if (run != null && subs.contains(RunCommand.class)) {
            // run's CMD keeps its own options even without "--": everything after the first word is CMD's
            run.setStopAtPositional(true);
            RunCommand.describeOutput(run.getCommandSpec());
        }
        return cmd;
    }
}
