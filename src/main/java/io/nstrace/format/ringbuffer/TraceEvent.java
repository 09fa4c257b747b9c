package io.nstrace.format.ringbuffer;

import java.util.Map;

/**
 * One decoded event (or, when {@link #format()} is null, a marker that {@code lost} events were dropped on this
 * CPU before this point: -1 when the kernel did not store the count, or when damaged pages of a salvaged file
 * were left out, their number then in {@code fields} under {@link #DROPPED_PAGES}).
 *
 * @param timestamp nanoseconds, with the file's DATE offset applied when it has one (as trace-cmd report does)
 */
public record TraceEvent(String buffer, int cpu, long timestamp, EventFormat format, int type, int pid,
                         Map<String, Object> fields, long lost) {
    /** The field of a lost marker that counts the damaged pages a salvaging read left out there. */
    public static final String DROPPED_PAGES = "dropped_pages";

    /** Damaged pages left out at this marker (0 for the kernel's own losses and for events). */
    public long droppedPages() {
        return format == null && fields.get(DROPPED_PAGES) instanceof Long n ? n : 0;
    }

    public boolean isLostMarker() {
        return format == null && lost != 0;
    }

    /** "system:name", or "unknown:ID" for an event without a format. */
    public String eventName() {
        return format == null ? "unknown:" + type : format.fullName();
    }
}
