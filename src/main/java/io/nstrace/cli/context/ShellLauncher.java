package io.nstrace.cli.context;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Starts the {@code trace>} shell on this process's terminal and returns its exit status. The command model
 * never knows the shell: the top ({@code io.nstrace.Commands}) wires it in.
 */
@FunctionalInterface
public interface ShellLauncher {
    /** @param historyFile the history file, or empty for the default (~/.nstrace_history) */
    int launch(Optional<Path> historyFile);
}
