package io.nstrace.cli;

import io.nstrace.format.json.Json;
import io.nstrace.tracefs.EventId;
import io.nstrace.tracefs.TraceFsCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code events [GLOB] [--json]}: the kernel's trace events, as -e takes them. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "List the trace events this kernel offers (tracefs available_events), as -e takes them.")
public final class EventsCommand implements Callable<Integer> {
    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "GLOB", arity = "0..1", completionCandidates = EventCandidates.class,
            description = "system:event, a system (sched), or a glob (sched:sched_*, *:*exec*). Default: all.")
    String glob;

    @Option(names = "--json", description = "One JSON object: system -> [event, ...].")
    boolean json;

    @Option(names = "--systems", description = "Only the systems, with their event counts.")
    boolean systems;

    @Override
    public Integer call() {
        TraceFsCatalog catalog = new TraceFsCatalog(parent.services().traceFs());
        List<EventId> events = glob == null ? catalog.events() : catalog.selector().resolve(List.of(glob));
        Map<String, List<String>> bySystem = new TreeMap<>();
        for (EventId e : events) {
            bySystem.computeIfAbsent(e.system(), k -> new java.util.ArrayList<>()).add(e.event());
        }
        bySystem.values().forEach(l -> l.sort(null));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(bySystem));
        } else if (systems) {
            bySystem.forEach((sys, list) -> out.printf("%-24s %d%n", sys, list.size()));
        } else {
            bySystem.forEach((sys, list) -> list.forEach(e -> out.println(sys + ":" + e)));
        }
        out.flush();
        return 0;
    }
}
