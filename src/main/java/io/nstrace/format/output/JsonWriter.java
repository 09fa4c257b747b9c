package io.nstrace.format.output;

import io.nstrace.format.output.Attribution;

import io.nstrace.format.json.Json;
import io.nstrace.format.Kallsyms;

import io.nstrace.format.ringbuffer.TraceEvent;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON Lines, one object per event: {@code ts} (ns), {@code cpu}, {@code event} ("system:name"), {@code pid}
 * (host), {@code comm}, {@code container} (of the event's task, null for the host's; see {@link Attribution}),
 * {@code containerPid} (null when unknown), {@code buffer} (the container whose buffer recorded it, only when that
 * is not {@code container}), {@code fields} (the non-common fields). Dropped
 * events become {@code {"ts":..,"cpu":..,"lost":N}} (N -1 when the kernel did not count them; with
 * {@code "dropped_pages":P} when a salvaging read left out P damaged pages there). Function-tracer
 * events give {@code ip}, {@code parent_ip} and {@code func} as kernel symbol names (hex when unknown) and the raw
 * address as a hex string in {@code ip_addr}, {@code parent_ip_addr}, {@code func_addr}.
 */
public final class JsonWriter implements EventWriter {
    /** Kernel text addresses in the ftrace events: written as symbol names, the raw address beside as NAME_addr. */
    private static final java.util.Set<String> ADDRESS_FIELDS = java.util.Set.of("ip", "parent_ip", "func");

    private final Writer out;
    private final EventContext context;

    public JsonWriter(Writer out, EventContext context) {
        this.out = out;
        this.context = context;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void write(TraceEvent e) throws IOException {
        out.write(Json.write(object(e)));
        out.write('\n');
    }

    public Map<String, Object> object(TraceEvent e) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ts", new java.math.BigInteger(Long.toUnsignedString(e.timestamp())));
        o.put("cpu", e.cpu());
        if (e.isLostMarker()) {
            o.put("lost", e.lost());
            if (e.droppedPages() > 0) {
                o.put(TraceEvent.DROPPED_PAGES, e.droppedPages());
            }
            return o;
        }
        o.put("event", e.eventName());
        o.put("pid", e.pid());
        o.put("comm", context.comm(e.pid()));
        Attribution.Owner owner = context.attribute(e);
        o.put("container", owner.container());
        o.put("containerPid", owner.containerPid());
        if (owner.buffer() != null) {
            o.put("buffer", owner.buffer());
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        boolean ftrace = e.format() != null && e.format().system().equals("ftrace");
        e.fields().forEach((k, v) -> {
            if (ftrace && ADDRESS_FIELDS.contains(k) && v instanceof Number n) {
                fields.put(k, context.symbols().nameOrHex(n.longValue()));
                fields.put(k + "_addr", Kallsyms.hex(n.longValue()));
            } else if (!k.startsWith("common_")) {
                fields.put(k, v);
            }
        });
        o.put("fields", fields);
        return o;
    }
}
