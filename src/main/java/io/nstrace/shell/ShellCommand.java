package io.nstrace.shell;

import io.nstrace.cli.context.AppContext;

import io.nstrace.cli.NstraceCommand;

import io.nstrace.error.NstraceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nstrace shell}: the {@code trace>} prompt over the same commands; line by line when stdin is piped. */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"Starts the interactive trace> shell (plain 'nstrace' does too on a terminal).",
                "With stdin piped it runs the commands line by line, without prompts: "
                        + "printf 'ps\\nexit\\n' | nstrace shell. Exit status: that of the last command "
                        + "that failed (0 when none did), or N after 'exit N'."})
public final class ShellCommand implements Callable<Integer> {
    @ParentCommand
    NstraceCommand parent;

    @Option(names = "--history", paramLabel = "FILE",
            description = "History file of the interactive shell (default: ~/.nstrace_history).")
    Path history;

    @Override
    public Integer call() {
        AppContext context = parent.context();
        if (context.shell().inShell()) {
            throw NstraceException.user("already in the shell");
        }
        return context.shell().shellLauncher().launch(java.util.Optional.ofNullable(history));
    }
}
