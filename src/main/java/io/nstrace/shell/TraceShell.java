package io.nstrace.shell;

import io.nstrace.cli.context.Roots;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import io.nstrace.cli.context.AppContext;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.Terminal.SignalHandler;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The {@code trace>} shell: a JLine loop over the picocli model of the command line, so every command and flag
 * behaves as it does in a one-shot {@code nstrace ...}. Commands plug in as plain subcommands of
 * {@code NstraceCommand}; nothing here knows them.
 *
 * <ul>
 * <li><b>Lines.</b> Split by JLine's {@link DefaultParser} (quotes and backslashes as in sh:
 * {@code attach 'web-*'}), run with {@code cmd.execute(words)}. A failing command prints its one-line error and
 * the shell goes on. Empty lines and lines starting with {@code #} are skipped. {@code exit [N]}, {@code quit}
 * and Ctrl-D leave; before that the context's {@code ExitGuard} is asked and, when it warns, a terminal user is
 * asked "...; exit anyway? [y/N]" (a script is told and exits).</li>
 * <li><b>Global options.</b> Those in force when the shell started ({@code nstrace --proc X shell}) stay in force
 * on every line; a line may give its own, which last for that line only.</li>
 * <li><b>Ctrl-C.</b> At the prompt it cancels the line. While a command runs, the shell's SIGINT handler
 * interrupts the thread running it (the shell's own thread), then the prompt comes back. The contract for a
 * command that blocks or loops ({@code dump --follow}): wait interruptibly or check
 * {@link Thread#interrupted()}, and on interruption clean up and return normally (the exit status the command
 * chooses) or let an {@link InterruptedException} escape, which prints "interrupted" as one line. The interrupt
 * flag is cleared after every command. Only on an interactive terminal; a script gets the usual SIGINT.</li>
 * <li><b>Interactive or scripted.</b> On a real terminal: prompt, colours, history in {@code ~/.nstrace_history},
 * TAB completion ({@link ShellCompleter}), the status bar ({@link StatusBar}). With stdin piped (a dumb
 * terminal): no prompt, no history; output is the commands' output only.</li>
 * <li><b>Exit status.</b> {@code exit N} gives N; otherwise (exit, quit, end of input) the status of the last
 * command that failed, or 0 when none did, so a script learns that something went wrong.</li>
 * </ul>
 */
public final class TraceShell {
    public static final String PROMPT = "trace> ";

    private final AppContext context;
    private final CommandLine cmd;
    private final Terminal terminal;
    private final boolean interactive;
    private final LineReader reader;
    private int lastFailure;

    /**
     * @param models      makes the picocli model: {@code () -> Commands.create($1, $2, $3)} (tests add
     *                    subcommands); called twice, for the model that runs lines and for completion's own
     * @param interactive prompt, history, Ctrl-C handling and exit confirmation (a real terminal)
     * @param historyFile where history persists (interactive only), or null for none
     */
    public TraceShell(AppContext context, Supplier<CommandLine> models, Terminal terminal, boolean interactive,
                      Path historyFile) {
        this.context = context;
        this.cmd = models.get();
        this.terminal = terminal;
        this.interactive = interactive;
        cmd.setOut(terminal.writer());
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(isDumb(terminal) ? Ansi.OFF : Ansi.ON));
        LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName("nstrace")
                .parser(new DefaultParser())
                .completer(new ShellCompleter(models.get().getCommandSpec(), context,
                        Path.of("").toAbsolutePath(), Path.of(System.getProperty("user.home"))))
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
        if (interactive && historyFile != null) {
            builder.variable(LineReader.HISTORY_FILE, historyFile);
        }
        this.reader = builder.build();
    }

    public static Path defaultHistoryFile() {
        return Path.of(System.getProperty("user.home"), ".nstrace_history");
    }

    /**
     * The shell on this process's terminal (or its piped stdin), errors to stderr when scripted.
     *
     * @param models makes the whole command model for the given out and err writers
     */
    public static int onSystemTerminal(AppContext context, BiFunction<PrintWriter, PrintWriter, CommandLine> models,
            Path historyFile) {
        try (Terminal terminal = TerminalBuilder.builder().system(true).nativeSignals(true).build()) {
            boolean interactive = context.shell().stdinIsTerminal() && !isDumb(terminal);
            PrintWriter err = interactive ? terminal.writer() : new PrintWriter(System.err, true);
            return new TraceShell(context, () -> models.apply(terminal.writer(), err), terminal, interactive,
                    historyFile).run();
        } catch (IOException e) {
            throw NstraceException.environment("cannot open the terminal: " + e.getMessage());
        }
    }

    static boolean isDumb(Terminal terminal) {
        return Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
    }

    /** Runs until exit, quit, Ctrl-D or the end of input; returns the exit status (see the class comment). */
    public int run() {
        if (context.shell().inShell()) {
            throw NstraceException.user("already in the shell");
        }
        context.shell().inShell(true);
        if (interactive) {
            context.shell().confirm(question -> ask(question, false));
        }
        Roots.Saved launched = context.roots().save();
        try (StatusBar bar = interactive ? StatusBar.start(terminal, context.shell().statusSource()) : null) {
            while (true) {
                List<String> words;
                try {
                    reader.readLine(interactive ? PROMPT : "");
                    words = reader.getParsedLine().words();
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    if (confirmExit()) {
                        return lastFailure;
                    }
                    continue;
                }
                Integer exit = runLine(words, launched);
                if (exit != null) {
                    return exit;
                }
            }
        } finally {
            context.shell().confirm(null);
            context.shell().inShell(false);
            saveHistory();
        }
    }

    /** One line: null to go on, or the shell's exit status. */
    private Integer runLine(List<String> words, Roots.Saved launched) {
        if (words.isEmpty() || words.getFirst().isBlank() || words.getFirst().startsWith("#")) {
            return null;
        }
        String first = words.getFirst();
        if (ShellCompleter.BUILTINS.contains(first)) {
            Integer status = exitStatus(words);
            return status != null && confirmExit() ? status : null;
        }
        int rc = execute(words.toArray(String[]::new), launched);
        if (rc != 0) {
            lastFailure = rc;
        }
        if (words.size() == 1 && first.equals("help")) {
            terminal.writer().println("In the shell: exit [N] or quit (or Ctrl-D) leaves; TAB completes; "
                    + "Ctrl-C cancels the line or a running command.");
        }
        return null;
    }

    /** The status {@code exit [N]} asks for, or null (after one error line) when N is not a number. */
    private Integer exitStatus(List<String> words) {
        if (words.size() == 1) {
            return lastFailure;
        }
        try {
            if (words.size() == 2) {
                return Integer.parseInt(words.get(1));
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        cmd.getErr().println(cmd.getColorScheme().errorText("nstrace " + words.getFirst()
                + ": expected no argument or a number, got '" + String.join(" ", words.subList(1, words.size()))
                + "'"));
        cmd.getErr().flush();
        lastFailure = ExitCodes.USAGE;
        return null;
    }

    /** Runs one command; Ctrl-C meanwhile interrupts this thread. Puts the launch-time global options back. */
    private int execute(String[] args, Roots.Saved launched) {
        Thread runner = Thread.currentThread();
        SignalHandler previous = interactive ? terminal.handle(Signal.INT, signal -> runner.interrupt()) : null;
        try {
            return cmd.execute(args);
        } finally {
            if (interactive) {
                terminal.handle(Signal.INT, previous);
            }
            Thread.interrupted();
            context.roots().restore(launched);
            cmd.getOut().flush();
            cmd.getErr().flush();
        }
    }

    /** True to leave: nothing pending, the user said yes, or (scripted) after saying what is left behind. */
    private boolean confirmExit() {
        String warning = context.shell().exitGuard().pendingWarning();
        if (warning == null) {
            return true;
        }
        if (!interactive) {
            cmd.getErr().println("nstrace shell: " + warning + "; exiting");
            cmd.getErr().flush();
            return true;
        }
        return ask(warning + "; exit anyway? [y/N] ", true);
    }

    /** Asks a yes/no question on the terminal: yes only for y/yes; Ctrl-C is no, Ctrl-D {@code onEof}. */
    private boolean ask(String question, boolean onEof) {
        reader.setVariable(LineReader.DISABLE_HISTORY, true);
        try {
            String answer = reader.readLine(question).strip();
            return answer.equalsIgnoreCase("y") || answer.equalsIgnoreCase("yes");
        } catch (UserInterruptException e) {
            return false;
        } catch (EndOfFileException e) {
            return onEof;
        } finally {
            reader.setVariable(LineReader.DISABLE_HISTORY, false);
        }
    }

    private void saveHistory() {
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            cmd.getErr().println("nstrace shell: cannot save the history: " + e.getMessage());
            cmd.getErr().flush();
        }
    }
}
