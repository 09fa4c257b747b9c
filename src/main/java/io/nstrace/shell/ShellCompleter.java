package io.nstrace.shell;

import io.nstrace.cli.context.Roots;

import io.nstrace.cli.context.AppContext;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.AutoComplete;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TAB completion from the picocli model: command names, option names, option values and positional
 * {@code completionCandidates} (which picocli-shell-jline3's {@code PicocliCommands} cannot complete) through
 * {@link AutoComplete#complete}, each added as a full value for JLine to filter; paths for options typed
 * {@link Path} or {@link File}; the shell's own words ({@code exit}, {@code quit}) at the start of a line and
 * command names after {@code help}.
 * A value ending in ':' (an event system such as {@code sched:}) gets no trailing space, so TAB goes on.
 *
 * <p>{@code AutoComplete.complete} parses the line into the model it is given (setting the command objects'
 * options, and re-pointing {@code spec.commandLine()} to a throw-away {@code CommandLine}), so the shell gives
 * this completer a model of its own, never the one it executes, and the global options it sets on the context
 * (a line starting {@code --proc DIR}) are put back after every completion.
 */
public final class ShellCompleter implements Completer {
    static final List<String> BUILTINS = List.of("exit", "quit");

    private final CommandSpec root;
    private final AppContext context;
    private final PathCompleter paths;

    /** @param root a model used for completion only (see the class comment) */
    public ShellCompleter(CommandSpec root, AppContext context, Path workDir, Path home) {
        this.root = root;
        this.context = context;
        this.paths = new PathCompleter(workDir, home);
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> words = line.words();
        int index = line.wordIndex();
        if (index > 0 && takesPath(words, index)) {
            paths.complete(line.word().substring(0, line.wordCursor()), candidates);
            return;
        }
        List<CharSequence> found = new ArrayList<>();
        Roots.Saved roots = context.roots().save();
        try {
            AutoComplete.complete(root, words.toArray(String[]::new), index, 0, line.cursor(), found);
        } finally {
            context.roots().restore(roots);
        }
        if (index == 0) {
            found.addAll(BUILTINS);
        } else if (index == 1 && words.getFirst().equals("help")) {
            found.addAll(root.subcommands().keySet()); // picocli's help command has no candidates of its own
        }
        String typed = line.word().substring(0, line.wordCursor());
        for (CharSequence c : found) {
            String value = c.toString();
            boolean partial = value.endsWith(":");
            if (value.startsWith("-") && !typed.startsWith("-")) {
                continue; // options only once a '-' is typed, as in bash: TAB alone lists values and commands
            }
            if (!(partial && value.equals(typed))) { // "sched:" typed: offer its events, not itself again
                candidates.add(new Candidate(value, value, null, null, null, null, !partial));
            }
        }
    }

    /** Whether the word before the cursor's word is an option of the current subcommand that takes a path. */
    private boolean takesPath(List<String> words, int index) {
        CommandSpec spec = root;
        for (int i = 0; i < index - 1; i++) {
            CommandSpec sub = spec.subcommands().containsKey(words.get(i))
                    ? spec.subcommands().get(words.get(i)).getCommandSpec() : null;
            if (sub != null) {
                spec = sub;
            }
        }
        OptionSpec option = spec.findOption(words.get(index - 1));
        if (option == null || option.arity().max() < 1) {
            return false;
        }
        Class<?> type = option.type();
        return Path.class.isAssignableFrom(type) || File.class.isAssignableFrom(type);
    }
}
