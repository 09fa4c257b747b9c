package io.nstrace.cli.context;

/**
 * Asked before the shell exits. The session layer answers with what would be lost (for example
 * "2 sessions hold traces that were not dumped"); the shell then asks "…; exit anyway? [y/N]" on a terminal.
 */
@FunctionalInterface
public interface ExitGuard {
    ExitGuard NONE = () -> null;

    /** A one-line, lower-case warning, or null when nothing is pending. */
    String pendingWarning();
}
