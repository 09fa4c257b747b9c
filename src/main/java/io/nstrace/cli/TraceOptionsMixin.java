package io.nstrace.cli;

import io.nstrace.session.GraphOption;
import io.nstrace.session.SessionOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;

/** The tracing flags shared by {@code attach}, {@code record} and {@code run}: what a session traces. */
public final class TraceOptionsMixin {
    @Option(names = {"-e", "--event"}, paramLabel = "EVENT", completionCandidates = EventCandidates.class,
            description = "Event to trace: system:event, system, or a glob (sched:sched_*). Repeatable. "
                    + "Default: scheduling, process lifecycle and raw syscalls.")
    List<String> events = new ArrayList<>();

    @Option(names = {"-f", "--filter"}, paramLabel = "EXPR",
            description = "Kernel filter for every selected event, e.g. 'ret < 0' or 'common_pid != 1'.")
    String filter;

    @Option(names = "--function", description = "Also trace kernel functions (function tracer) of the container's tasks.")
    boolean function;

    @Option(names = "--function-graph", description = "Trace kernel function entries and exits (function_graph tracer).")
    boolean functionGraph;

    @Option(names = "--max-graph-depth", paramLabel = "N", defaultValue = "0", converter = Counts.NonNegative.class,
            description = "Depth limit for --function-graph (0: no limit).")
    int maxGraphDepth;

    @Option(names = "--graph-opt", paramLabel = "OPT",
            description = "Set a function_graph option of the container's instance (options/funcgraph-OPT), e.g. "
                    + "irqs or retval; noOPT clears it (noirqs). Repeatable; needs --function-graph.")
    List<String> graphOptions = new ArrayList<>();

    @Option(names = {"-l", "--limit-function"}, paramLabel = "FUNC",
            description = "Trace only these functions (set_ftrace_filter globs). Repeatable.")
    List<String> functions = new ArrayList<>();

    @Option(names = {"-n", "--notrace-function"}, paramLabel = "FUNC",
            description = "Never trace these functions (set_ftrace_notrace globs). Repeatable.")
    List<String> notrace = new ArrayList<>();

    @Option(names = {"-b", "--buffer-kb"}, paramLabel = "KB", converter = Counts.Positive.class,
            description = "Per-CPU ring buffer size in KB (default: the kernel's); refused when all CPUs' buffers "
                    + "would not fit in the memory available.")
    Integer bufferKb;

    @Option(names = "--subbuf-kb", paramLabel = "KB", converter = Counts.PowerOfTwo.class,
            description = "Ring-buffer sub-buffer size in KB, a power of two (default: the kernel's, one page); "
                    + "needs buffer_subbuf_size_kb (linux 6.8+).")
    Integer subbufKb;

    @Option(names = {"-C", "--clock"}, paramLabel = "CLOCK", description = "trace_clock to use (local, global, mono, ...).")
    String clock;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** A usage error (exit 2, or 125 for run) naming the flag, as picocli reports its own. */
    private RuntimeException usage(String message) {
        return mixee == null ? new IllegalArgumentException(message)
                : new ParameterException(mixee.commandLine(), message);
    }

    /** The session options these flags describe. */
    public SessionOptions toOptions() {
        if (!graphOptions.isEmpty() && !functionGraph) {
            throw usage("--graph-opt " + graphOptions.getFirst()
                    + " needs --function-graph");
        }
        SessionOptions o = SessionOptions.defaults().withEvents(events).withFilter(filter)
                .withBuffer(bufferKb == null ? 0 : bufferKb, clock).withSubbuf(subbufKb == null ? 0 : subbufKb);
        boolean functions = function || functionGraph || !this.functions.isEmpty() || !notrace.isEmpty();
        if (functions) {
            o = o.withFunction(functionGraph, maxGraphDepth, this.functions, notrace)
                    .withGraphOptions(graphOptions.stream().map(GraphOption::parse).toList());
        }
        return o;
    }
}
