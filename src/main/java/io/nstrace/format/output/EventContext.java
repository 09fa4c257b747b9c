package io.nstrace.format.output;

import io.nstrace.format.output.Attribution;
import io.nstrace.format.EventReader;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.Kallsyms;
import io.nstrace.format.TraceData;
import io.nstrace.format.ringbuffer.TraceEvent;

import java.util.Map;
import java.util.Optional;

/**
 * Resolves what the raw event does not carry: the comm of a host PID (saved_cmdlines first, as trace-cmd does,
 * then the container map), whose each event is ({@link Attribution}), and kernel function names from the trace's
 * kallsyms.
 */
public final class EventContext {
    private final Map<Integer, String> comms;
    private final ContainerMap containers;
    private final byte[] kallsyms;
    private final Attribution attribution;
    private Kallsyms symbols;

    public EventContext(Map<Integer, String> comms, ContainerMap containers) {
        this(comms, containers, new byte[0]);
    }

    public EventContext(Map<Integer, String> comms, ContainerMap containers, byte[] kallsyms) {
        this(comms, containers, kallsyms, new Attribution(containers));
    }

    private EventContext(Map<Integer, String> comms, ContainerMap containers, byte[] kallsyms,
                         Attribution attribution) {
        this.comms = comms;
        this.containers = containers;
        this.kallsyms = kallsyms;
        this.attribution = attribution;
    }

    /** The context for reading {@code data} from its first event: one pass first learns every clone return. */
    public static EventContext of(TraceData data) {
        ContainerMap map = data.options().containers();
        Attribution a;
        try (EventReader first = new EventReader(data)) {
            a = Attribution.twoPass(map, first);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new EventContext(data.comms(), map, data.kallsyms(), a);
    }

    /**
     * The trace's kernel symbols, parsed on their first lookup (only events that print a kernel address need
     * them: function-tracer events, {@code %ps} arguments), not when the first event is rendered.
     */
    public Kallsyms symbols() {
        if (symbols == null) {
            symbols = Kallsyms.deferred(kallsyms);
        }
        return symbols;
    }

    public String comm(int pid) {
        if (pid == 0) {
            return "<idle>";
        }
        String c = comms.get(pid);
        if (c != null) {
            return c;
        }
        return containers.task(pid).map(ContainerMap.TaskInfo::comm).filter(s -> !s.isEmpty()).orElse("<...>");
    }

    /**
     * Whose {@code e} is (see {@link Attribution}): its task's container and in-container PID, and the buffer's
     * container where that differs. Call in trace order; calling twice for the same event is free.
     */
    public Attribution.Owner attribute(TraceEvent e) {
        return attribution.observe(e);
    }

    /** The attribution state: the container and in-container PID of a host TID as far as the trace told so far. */
    public Attribution attribution() {
        return attribution;
    }

    /** The container traced in {@code buffer} (the top buffer is ""), when the container map names one. */
    public Optional<String> containerOfBuffer(String buffer) {
        return containers.containerOfBuffer(buffer).map(ContainerMap.ContainerInfo::name);
    }
}
