package io.nstrace.cli.context;

import java.util.List;

/**
 * Lines for the shell's status bar at the bottom of the terminal, asked about once a second; an empty list hides
 * the bar. The session layer answers with one short line per running session (events/s, lost).
 */
@FunctionalInterface
public interface StatusSource {
    StatusSource NONE = List::of;

    List<String> lines();
}
