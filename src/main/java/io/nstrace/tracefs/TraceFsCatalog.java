package io.nstrace.tracefs;

import io.nstrace.error.NstraceException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What this kernel's tracefs offers, read from its own files: the events, the tracers, the clocks, the
 * per-instance files and options. Each {@code require...} refuses, as an environment error that says what is
 * missing, what the kernel does not have.
 */
public final class TraceFsCatalog {
    private final TraceFs traceFs;
    private List<EventId> events;

    public TraceFsCatalog(TraceFs traceFs) {
        this.traceFs = traceFs;
    }

    /** Every event in {@code available_events}, in the kernel's order. */
    public synchronized List<EventId> events() {
        if (events == null) {
            events = read(traceFs.file("available_events")).lines().map(String::strip).filter(l -> !l.isEmpty())
                    .map(EventId::parse).toList();
        }
        return events;
    }

    public EventSelector selector() {
        return new EventSelector(events());
    }

    /** The tracers of {@code available_tracers} (an instance's own list when it has one). */
    public List<String> tracers(TraceInstance instance) {
        Path own = instance.file("available_tracers");
        String text = read(Files.exists(own) ? own : traceFs.file("available_tracers"));
        return Arrays.stream(text.strip().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private List<String> topLevelTracers() {
        Path top = traceFs.file("available_tracers");
        if (!Files.exists(top)) {
            return List.of();
        }
        return Arrays.stream(read(top).strip().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    /** The clocks offered by {@code trace_clock}: {@code [local] global counter} gives all three. */
    public static List<String> clocks(String traceClockText) {
        return Arrays.stream(traceClockText.strip().split("\\s+")).filter(s -> !s.isEmpty())
                .map(s -> s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s).toList();
    }

    /** The clock in use: the bracketed one. */
    public static String currentClock(String traceClockText) {
        return Arrays.stream(traceClockText.strip().split("\\s+")).filter(s -> s.startsWith("["))
                .map(s -> s.substring(1, s.length() - 1)).findFirst().orElse("local");
    }

    /** The trace options an instance offers (the files of its {@code options/}), sorted. */
    public static List<String> options(TraceInstance instance) {
        try (java.util.stream.Stream<Path> s = Files.list(instance.file("options"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw NstraceException.environment("cannot list " + instance.file("options") + ": "
                    + TraceInstance.reason(e));
        }
    }

    /** Refuses a clock the instance's {@code trace_clock} does not list. */
    public static void requireClock(String clock, String traceClockText) {
        List<String> offered = clocks(traceClockText);
        if (!offered.contains(clock)) {
            throw NstraceException.user("unknown trace clock '" + clock + "'; this kernel offers: "
                    + String.join(", ", offered));
        }
    }

    /** Refuses a tracer the kernel does not offer. */
    public void requireTracer(TraceInstance instance, String tracer) {
        List<String> offered = tracers(instance);
        if (!offered.contains(tracer) && instance.exists() && topLevelTracers().contains(tracer)) {
            // linux 6.1: instances offer only function and nop; function_graph is the top level's alone
            throw NstraceException.environment("this kernel offers the '" + tracer + "' tracer only at the top "
                    + "level of tracefs, not in instances (they offer: " + String.join(", ", offered)
                    + "); nstrace traces each container in its own instance: use --function");
        }
        if (!offered.contains(tracer)) {
            throw NstraceException.environment("this kernel has no '" + tracer + "' tracer"
                    + (instance.exists() ? " in tracefs instances" : "") + "; it offers: " + String.join(", ", offered));
        }
    }

    /** Refuses an instance that lacks a file nstrace needs (old kernels lack set_event_pid, options/event-fork). */
    public static void requireFile(TraceInstance instance, String relative, String what) {
        if (!Files.exists(instance.file(relative))) {
            throw NstraceException.environment("this kernel's tracefs has no " + relative + " (needed for " + what
                    + "); nstrace needs linux 4.4 or later with CONFIG_FTRACE");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw NstraceException.environment("cannot read " + file + ": " + TraceInstance.reason(e));
        }
    }
}
