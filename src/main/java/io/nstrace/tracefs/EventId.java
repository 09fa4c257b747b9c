package io.nstrace.tracefs;

/** One trace event as tracefs names it: {@code system:event}, e.g. {@code sched:sched_switch}. */
public record EventId(String system, String event) implements Comparable<EventId> {

    /** Parses one {@code available_events} line. */
    public static EventId parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("not system:event: '" + text + "'");
        }
        return new EventId(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The event's directory relative to an instance root. */
    public String dir() {
        return "events/" + system + "/" + event;
    }

    @Override
    public int compareTo(EventId o) {
        int c = system.compareTo(o.system);
        return c != 0 ? c : event.compareTo(o.event);
    }

    @Override
    public String toString() {
        return system + ":" + event;
    }
}
