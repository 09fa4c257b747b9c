package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;

import java.util.Iterator;

/**
 * Completion candidates for a session name: the sessions attached when TAB is pressed (asked again on every
 * iteration). Use as {@code @Parameters(completionCandidates = SessionCandidates.class)}.
 */
public final class SessionCandidates implements Iterable<String> {
    private final AppContext context;

    public SessionCandidates(AppContext context) {
        this.context = context;
    }

    @Override
    public Iterator<String> iterator() {
        return context.sessionNames().iterator();
    }
}
