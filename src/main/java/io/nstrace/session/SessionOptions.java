package io.nstrace.session;

import java.util.List;

/**
 * How a session traces its container (the record's {@code -e/-f/-p/-l/-n/-b/-C} flags).
 *
 * @param events         {@code -e} specs: {@code system:event}, {@code system}, globs; empty = {@link #DEFAULT_EVENTS}
 * @param filter         {@code --filter EXPR} written to every selected event's filter file, or null
 * @param function       trace kernel functions too (function tracer)
 * @param functionGraph  use function_graph instead of function (implies function)
 * @param maxGraphDepth  function_graph depth limit, 0 = unlimited
 * @param functionFilters {@code -l}: set_ftrace_filter patterns
 * @param notrace        {@code -n}: set_ftrace_notrace patterns
 * @param bufferKb       {@code -b}: per-CPU ring buffer size in KB, 0 = the kernel's default
 * @param clock          {@code -C}: trace_clock, or null for the kernel's default
 * @param subbufKb       {@code --subbuf-kb}: ring-buffer sub-buffer size in KB, 0 = the kernel's default (a page)
 * @param graphOptions   {@code --graph-opt}: function_graph options of the instance to set, in the order given
 */
public record SessionOptions(List<String> events, String filter, boolean function, boolean functionGraph,
                             int maxGraphDepth, List<String> functionFilters, List<String> notrace, int bufferKb,
                             String clock, int subbufKb, List<GraphOption> graphOptions) {
    /** What a session traces when no {@code -e} is given: scheduling, process lifecycle and every syscall. */
    public static final List<String> DEFAULT_EVENTS = List.of("sched:sched_switch", "sched:sched_wakeup",
            "sched:sched_process_fork", "sched:sched_process_exec", "sched:sched_process_exit",
            "raw_syscalls:sys_enter", "raw_syscalls:sys_exit");

    public SessionOptions {
        events = List.copyOf(events);
        functionFilters = List.copyOf(functionFilters);
        notrace = List.copyOf(notrace);
        graphOptions = List.copyOf(graphOptions);
        if (bufferKb < 0 || maxGraphDepth < 0 || subbufKb < 0) {
            throw new IllegalArgumentException("negative buffer size or graph depth");
        }
    }

    public static SessionOptions defaults() {
        return new SessionOptions(List.of(), null, false, false, 0, List.of(), List.of(), 0, null, 0, List.of());
    }

    public static SessionOptions events(String... events) {
        return defaults().withEvents(List.of(events));
    }

    public SessionOptions withEvents(List<String> e) {
        return new SessionOptions(e, filter, function, functionGraph, maxGraphDepth, functionFilters, notrace,
                bufferKb, clock, subbufKb, graphOptions);
    }

    public SessionOptions withFilter(String f) {
        return new SessionOptions(events, f, function, functionGraph, maxGraphDepth, functionFilters, notrace,
                bufferKb, clock, subbufKb, graphOptions);
    }

    public SessionOptions withFunction(boolean graph, int depth, List<String> filters, List<String> not) {
        return new SessionOptions(events, filter, true, graph, depth, filters, not, bufferKb, clock, subbufKb,
                graphOptions);
    }

    public SessionOptions withGraphOptions(List<GraphOption> options) {
        return new SessionOptions(events, filter, function, functionGraph, maxGraphDepth, functionFilters, notrace,
                bufferKb, clock, subbufKb, options);
    }

    public SessionOptions withSubbuf(int kb) {
        return new SessionOptions(events, filter, function, functionGraph, maxGraphDepth, functionFilters, notrace,
                bufferKb, clock, kb, graphOptions);
    }

    public SessionOptions withBuffer(int kb, String c) {
        return new SessionOptions(events, filter, function, functionGraph, maxGraphDepth, functionFilters, notrace,
                kb, c, subbufKb, graphOptions);
    }

    /** The {@code -e} specs to resolve: the given ones, else the defaults. */
    public List<String> eventSpecs() {
        return events.isEmpty() ? DEFAULT_EVENTS : events;
    }

    public boolean functionTracing() {
        return function || functionGraph;
    }

    public String tracer() {
        return functionGraph ? "function_graph" : "function";
    }
}
