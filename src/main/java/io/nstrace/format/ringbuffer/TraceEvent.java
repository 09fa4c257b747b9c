package io.nstrace.format.ringbuffer;

import java.util.Map;

/**
 * One decoded event (or, when {@link #format()} is null, a marker that {@code lost} events were dropped on this
 * CPU before this point: -1 when the kernel did not store the count).
 *
 * @param timestamp nanoseconds, with the file's DATE offset applied when it has one (as trace-cmd report does)
 */
public record TraceEvent(String buffer, int cpu, long timestamp, EventFormat format, int type, int pid,
                         Map<String, Object> fields, long lost) {
    public boolean isLostMarker() {
        return format == null && lost != 0;
    }

    /** "system:name", or "unknown:ID" for an event without a format. */
    public String eventName() {
        return format == null ? "unknown:" + type : format.fullName();
    }
}
