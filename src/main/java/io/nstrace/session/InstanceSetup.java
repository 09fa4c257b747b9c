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

    static final String SUBBUF = "buffer_subbuf_size_kb";

    /** Total buffer size from which growing it is announced on the notices line (~0.5 s of kernel work here). */
    static final long NOTICE_KB = 256 * 1024;

    /**
     * What a buffer resize needs besides the instance: where the cancellable write is registered while it runs,
     * where the "allocating..." notice goes, and the procfs whose meminfo says how much memory is available.
     */
    record BufferContext(java.util.function.Consumer<io.nstrace.tracefs.ChildWrite> running,
                         java.util.function.Consumer<String> notices, io.nstrace.discovery.ProcFs proc) {
        static final BufferContext NONE = new BufferContext(w -> { }, line -> { }, null);
    }

    void base(SessionOptions o) {
        base(o, BufferContext.NONE);
    }

    /** Sub-buffer size, buffer, clock and event-fork; requires the files the PID fence needs. */
    void base(SessionOptions o, BufferContext buffer) {
        TraceFsCatalog.requireFile(instance, "set_event_pid", "the PID fence");
        if (!TraceFsCatalog.options(instance).contains("event-fork")) {
            throw NstraceException.environment("this kernel's tracefs has no options/event-fork (needed to follow "
                    + "forks); nstrace needs linux 4.4 or later");
        }
        instance.write("tracing_on", "0");
        if (o.subbufKb() > 0) {
            subbuf(o.subbufKb());
        }
        if (o.bufferKb() > 0) {
            bufferSize(o.bufferKb(), buffer);
        }
        if (o.clock() != null) {
            TraceFsCatalog.requireClock(o.clock(), instance.read("trace_clock"));
            instance.write("trace_clock", o.clock());
        }
        instance.write("options/event-fork", "1");
    }

    /**
     * Sets the ring buffer's sub-buffer size (before buffer_size_kb: changing it reallocates the buffer). Kernels
     * before 6.8 have no {@code buffer_subbuf_size_kb}: refused in one line, nothing written.
     */
    private void subbuf(int kb) {
        if (!java.nio.file.Files.exists(instance.file(SUBBUF))) {
            throw NstraceException.environment("this kernel's tracefs instances have no " + SUBBUF
                    + " (sub-buffers larger than a page arrived in linux 6.8); trace without --subbuf-kb");
        }
        try {
            instance.write(SUBBUF, Integer.toString(kb));
        } catch (TraceFsWriteException e) {
            String k = instance.kernelError();
            throw NstraceException.user("--subbuf-kb " + kb + " refused by the kernel: "
                    + (k.isEmpty() ? e.reason() : k));
        }
    }

    /**
     * Sets {@code buffer_size_kb}. Refused up front when every CPU's buffer together would exceed the memory
     * available (the kernel checks one CPU at a time, and would take the machine's memory); growing is done by a
     * child process that a signal's clean-up can cancel, announced when large; shrinking is instant.
     */
    private void bufferSize(int kb, BufferContext ctx) {
        int cpus = cpuCount();
        long total = (long) kb * cpus;
        java.util.OptionalLong available = ctx.proc() == null ? java.util.OptionalLong.empty()
                : memAvailableKb(ctx.proc());
        if (available.isPresent() && total > available.getAsLong()) {
            throw NstraceException.environment(String.format("-b %,d KB per CPU needs %s for %d CPUs, more than "
                    + "the %s of memory available (MemAvailable in %s)", kb, human(total), cpus,
                    human(available.getAsLong()), ctx.proc().root().resolve("meminfo")));
        }
        if (kb <= currentKb()) {
            instance.write("buffer_size_kb", Integer.toString(kb));
            return;
        }
        if (total >= NOTICE_KB) {
            ctx.notices().accept(String.format("allocating %,d KB per CPU (%s for %d CPUs) in instance %s...", kb,
                    human(total), cpus, instance.name()));
        }
        instance.writeCancellable("buffer_size_kb", Integer.toString(kb), ctx.running());
    }

    private int cpuCount() {
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(instance.file("per_cpu"))) {
            return (int) Math.max(1, s.filter(p -> p.getFileName().toString().matches("cpu\\d+")).count());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 1;
        }
    }

    /** The per-CPU size allocated now ({@code 1410}; {@code 7 (expanded: 1408)} before first use: 7); 0 if unknown. */
    private long currentKb() {
        try {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+").matcher(instance.read("buffer_size_kb"));
            return m.lookingAt() ? Long.parseLong(m.group()) : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static java.util.OptionalLong memAvailableKb(io.nstrace.discovery.ProcFs proc) {
        return proc.readString(proc.root().resolve("meminfo")).flatMap(text -> text.lines()
                .filter(l -> l.startsWith("MemAvailable:")).findFirst())
                .map(l -> java.util.OptionalLong.of(Long.parseLong(l.replaceAll("[^0-9]", ""))))
                .orElse(java.util.OptionalLong.empty());
    }

    static String human(long kb) {
        return kb >= 1024 * 1024 ? String.format("%.1f GB", kb / (1024.0 * 1024)) : String.format("%,d MB", kb / 1024);
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
            graphOptions(o.graphOptions());
            instance.write("current_tracer", o.tracer());
        } catch (TraceFsWriteException e) {
            if (e.notPermitted()) {
                throw NstraceException.environment(LOCKDOWN);
            }
            throw e;
        }
    }

    /**
     * Writes each {@code options/funcgraph-*} asked for; one the instance lacks is refused, saying whether only
     * the top level has it (which nstrace never writes) and what the instance offers.
     */
    private void graphOptions(List<GraphOption> options) {
        for (GraphOption g : options) {
            if (!java.nio.file.Files.exists(instance.file(g.file()))) {
                List<String> offered = TraceFsCatalog.options(instance).stream()
                        .filter(n -> n.startsWith(GraphOption.PREFIX))
                        .map(n -> n.substring(GraphOption.PREFIX.length())).toList();
                boolean top = java.nio.file.Files.exists(instance.traceFs().file(g.file()));
                throw NstraceException.environment("this kernel has no " + g.file()
                        + (top ? " in tracefs instances, only at the top level, which nstrace never writes"
                        : " (its function_graph lacks that option)") + "; instances offer: "
                        + (offered.isEmpty() ? "none" : String.join(", ", offered)));
            }
            instance.write(g.file(), g.on() ? "1" : "0");
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
