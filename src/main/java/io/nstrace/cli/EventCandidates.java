package io.nstrace.cli;

import io.nstrace.cli.context.Services;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Completion candidates for an event: every system as {@code "sched:"} followed by every event as
 * {@code "sched:sched_switch"}, read from {@code <tracefs>/available_events} on each iteration (so
 * {@code sched:<TAB>} lists the sched events). Nothing when tracefs cannot be read: completion never fails.
 * Use as {@code @Option(names = "-e", completionCandidates = EventCandidates.class)}.
 */
public final class EventCandidates implements Iterable<String> {
    private final Services services;

    public EventCandidates(Services services) {
        this.services = services;
    }

    @Override
    public Iterator<String> iterator() {
        try {
            Path available = services.traceFs().root().resolve("available_events");
            return candidates(Files.readAllLines(available)).iterator();
        } catch (IOException | RuntimeException e) {
            return List.<String>of().iterator(); // no tracefs here (or not readable): nothing to offer
        }
    }

    /** Systems ("sched:") first, then "system:event" lines as given; blank lines skipped. */
    static List<String> candidates(List<String> availableEvents) {
        Set<String> systems = new LinkedHashSet<>();
        List<String> events = new ArrayList<>();
        for (String line : availableEvents) {
            String event = line.strip();
            int colon = event.indexOf(':');
            if (colon > 0) {
                systems.add(event.substring(0, colon + 1));
                events.add(event);
            }
        }
        List<String> all = new ArrayList<>(systems);
        all.addAll(events);
        return all;
    }
}
