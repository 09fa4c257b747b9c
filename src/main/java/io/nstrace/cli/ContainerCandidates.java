package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;

import java.util.Iterator;

/**
 * Completion candidates for a container selector: the names of the containers that exist when TAB is pressed.
 * picocli creates this once per model (through {@link ContextFactory}), so every iteration asks the context's
 * supplier again. Use as {@code @Parameters(completionCandidates = ContainerCandidates.class)}.
 */
public final class ContainerCandidates implements Iterable<String> {
    private final AppContext context;

    public ContainerCandidates(AppContext context) {
        this.context = context;
    }

    @Override
    public Iterator<String> iterator() {
        return context.containerNames().iterator();
    }
}
