package io.nstrace.format.output;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.Kallsyms;
import io.nstrace.format.TraceData;
import io.nstrace.format.ringbuffer.TraceEvent;

import java.util.Map;
import java.util.Optional;

/**
 * Resolves what the raw event does not carry: the comm of a host PID (saved_cmdlines first, as trace-cmd does,
 * then the container map) and the container and in-container PID (from the container map, else the container
 * whose buffer the event came from), and kernel function names from the trace's kallsyms.
 */
public final class EventContext {
    private final Map<Integer, String> comms;
    private final ContainerMap containers;
    private final byte[] kallsyms;
    private Kallsyms symbols;

    public EventContext(Map<Integer, String> comms, ContainerMap containers) {
        this(comms, containers, new byte[0]);
    }

    public EventContext(Map<Integer, String> comms, ContainerMap containers, byte[] kallsyms) {
        this.comms = comms;
        this.containers = containers;
        this.kallsyms = kallsyms;
    }

    public static EventContext of(TraceData data) {
        return new EventContext(data.comms(), data.options().containers(), data.kallsyms());
    }

    /** The trace's kernel symbols, parsed on first use (only function-tracer events need them). */
    public Kallsyms symbols() {
        if (symbols == null) {
            symbols = kallsyms.length == 0 ? Kallsyms.EMPTY : Kallsyms.parse(kallsyms);
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

    /** The container name of the event's task, or empty for a host task. */
    public Optional<String> container(TraceEvent e) {
        Optional<ContainerMap.TaskInfo> t = containers.task(e.pid());
        if (t.isPresent() && !t.get().container().isEmpty()) {
            return Optional.of(t.get().container());
        }
        if (t.isPresent() || e.pid() > 0) {
            return containers.containerOfBuffer(e.buffer()).map(ContainerMap.ContainerInfo::name);
        }
        return Optional.empty();
    }

    /** The container the container map puts task {@code tid} in (no buffer fallback), if any. */
    public Optional<String> taskContainer(int tid) {
        return containers.task(tid).map(ContainerMap.TaskInfo::container).filter(c -> !c.isEmpty());
    }

    /** The container traced in {@code buffer} (the top buffer is ""), when the container map names one. */
    public Optional<String> containerOfBuffer(String buffer) {
        return containers.containerOfBuffer(buffer).map(ContainerMap.ContainerInfo::name);
    }

    /** The PID inside the task's innermost PID namespace, when known. */
    public Optional<Integer> containerPid(TraceEvent e) {
        return containers.task(e.pid()).map(ContainerMap.TaskInfo::containerPid);
    }
}
