package io.nstrace.session;

import io.nstrace.error.NstraceException;
import io.nstrace.tracefs.EventId;
import io.nstrace.tracefs.TraceFsCatalog;
import io.nstrace.tracefs.TraceFsWriteException;
import io.nstrace.tracefs.TraceInstance;

import java.util.List;

/**
 * Writes a session's configuration into its own instance, tracing off. Only instance files are written, in
 * a fixed order (tracing_on, buffer_size_kb, trace_clock, options, filters, enables), so fixture tests can
 * pin the exact bytes.
 */
final class InstanceSetup {
    static final String LOCKDOWN = "function tracing is not permitted by this kernel (lockdown); events still work";

    private final TraceInstance instance;
    private final TraceFsCatalog catalog;

    InstanceSetup(TraceInstance instance, TraceFsCatalog catalog) {
        this.instance = instance;
        this.catalog = catalog;
    }

    /** Buffer, clock and event-fork; requires the files the PID fence needs. */
    void base(SessionOptions o) {
        TraceFsCatalog.requireFile(instance, "set_event_pid", "the PID fence");
        if (!TraceFsCatalog.options(instance).contains("event-fork")) {
            throw NstraceException.environment("this kernel's tracefs has no options/event-fork (needed to follow "
                    + "forks); nstrace needs linux 4.4 or later");
        }
        instance.write("tracing_on", "0");
        if (o.bufferKb() > 0) {
            instance.write("buffer_size_kb", Integer.toString(o.bufferKb()));
        }
        if (o.clock() != null) {
            TraceFsCatalog.requireClock(o.clock(), instance.read("trace_clock"));
            instance.write("trace_clock", o.clock());
        }
        instance.write("options/event-fork", "1");
    }

    /** Filter (when given) then enable, event by event; a rejected filter names the event and the kernel's words. */
    void events(List<EventId> events, String filter) {
        for (EventId e : events) {
            if (filter != null && !filter.isBlank()) {
                try {
                    instance.write(e.dir() + "/filter", filter);
                } catch (TraceFsWriteException x) {
                    String k = instance.kernelError();
                    throw NstraceException.user("filter '" + filter + "' rejected for " + e + ": "
                            + (k.isEmpty() ? x.reason() : k));
                }
            }
            instance.write(e.dir() + "/enable", "1");
        }
    }

    /** Function tracer options (after the PID fence is written): any EPERM means lockdown. */
    void function(SessionOptions o) {
        try {
            TraceFsCatalog.requireFile(instance, PidFence.FTRACE_PIDS, "function tracing");
            if (!TraceFsCatalog.options(instance).contains("function-fork")) {
                throw NstraceException.environment("this kernel's tracefs has no options/function-fork; "
                        + "function tracing could not follow the container's new processes");
            }
            instance.write("options/function-fork", "1");
            writeList("set_ftrace_filter", o.functionFilters());
            writeList("set_ftrace_notrace", o.notrace());
            catalog.requireTracer(instance, o.tracer());
            if (o.functionGraph() && o.maxGraphDepth() > 0) {
                if (!java.nio.file.Files.exists(instance.file("max_graph_depth"))) {
                    throw NstraceException.environment("this kernel has max_graph_depth only at the top level, "
                            + "which nstrace never writes; trace without a depth limit");
                }
                instance.write("max_graph_depth", Integer.toString(o.maxGraphDepth()));
            }
            instance.write("current_tracer", o.tracer());
        } catch (TraceFsWriteException e) {
            if (e.notPermitted()) {
                throw NstraceException.environment(LOCKDOWN);
            }
            throw e;
        }
    }

    /** Probes set_ftrace_pid before anything else is written, so lockdown is reported up front. */
    void probeFunction() {
        try {
            instance.append(PidFence.FTRACE_PIDS, "");
        } catch (TraceFsWriteException e) {
            if (e.notPermitted()) {
                throw NstraceException.environment(LOCKDOWN);
            }
            throw e;
        }
    }

    private void writeList(String file, List<String> patterns) {
        if (patterns.isEmpty()) {
            return;
        }
        try {
            instance.write(file, String.join("\n", patterns) + "\n");
        } catch (TraceFsWriteException e) {
            if (e.notPermitted()) {
                throw e;
            }
            throw NstraceException.user("unknown kernel function in '" + String.join(" ", patterns)
                    + "' (see available_filter_functions)");
        }
    }
}
