package io.nstrace.cli;

import io.nstrace.cli.context.ShellHooks;

import java.util.Iterator;

/**
 * Completion candidates for a container selector: the names of the containers that exist when TAB is pressed.
 * picocli creates this once per model (through {@link ContextFactory}), so every iteration asks the context's
 * supplier again. Use as {@code @Parameters(completionCandidates = ContainerCandidates.class)}.
 */
public final class ContainerCandidates implements Iterable<String> {
    private final ShellHooks shell;

    public ContainerCandidates(ShellHooks shell) {
        this.shell = shell;
    }

    @Override
    public Iterator<String> iterator() {
        return shell.containerNames().iterator();
    }
}
