package io.nstrace.cli;

import io.nstrace.cli.context.ShellHooks;

import java.util.Iterator;

/**
 * Completion candidates for a session name: the sessions attached when TAB is pressed (asked again on every
 * iteration). Use as {@code @Parameters(completionCandidates = SessionCandidates.class)}.
 */
public final class SessionCandidates implements Iterable<String> {
    private final ShellHooks shell;

    public SessionCandidates(ShellHooks shell) {
        this.shell = shell;
    }

    @Override
    public Iterator<String> iterator() {
        return shell.sessionNames().iterator();
    }
}
