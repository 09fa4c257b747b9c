package io.nstrace.format;

import java.io.IOException;
import java.io.Writer;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per container (or "host"): events per type, the busiest processes, and the trace's lost events and duration.
 * Lost counts come from the pages' missed-events flags; -1 markers (count not stored) are counted separately.
 */
public final class TraceSummary {
    private final EventContext context;
    private final Map<String, Group> groups = new TreeMap<>();
    private long events;
    private long lost;
    private long lostUnknown;
    private long first = -1;
    private long last;

    private static final class Group {
        final Map<String, Long> byType = new TreeMap<>();
        final Map<Integer, Long> byPid = new LinkedHashMap<>();
        long events;
    }

    public TraceSummary(EventContext context) {
        this.context = context;
    }

    public TraceSummary addAll(Iterator<TraceEvent> it) {
        while (it.hasNext()) {
            add(it.next());
        }
        return this;
    }

    public void add(TraceEvent e) {
        if (e.isLostMarker()) {
            if (e.lost() > 0) {
                lost += e.lost();
            } else {
                lostUnknown++;
            }
            return;
        }
        events++;
        if (first < 0) {
            first = e.timestamp();
        }
        last = e.timestamp();
        Group g = groups.computeIfAbsent(context.container(e).orElse("host"), k -> new Group());
        g.events++;
        g.byType.merge(e.eventName(), 1L, Long::sum);
        g.byPid.merge(e.pid(), 1L, Long::sum);
    }

    public long events() {
        return events;
    }

    public long lost() {
        return lost;
    }

    public void write(Writer out) throws IOException {
        double secs = first < 0 ? 0 : (last - first) / 1e9;
        out.write(String.format("events: %d  lost: %d%s  duration: %.6f s%n", events, lost,
                lostUnknown > 0 ? " (+" + lostUnknown + " pages with an uncounted loss)" : "", secs));
        for (Map.Entry<String, Group> ge : groups.entrySet()) {
            Group g = ge.getValue();
            out.write(String.format("%ncontainer %s: %d events%n", ge.getKey(), g.events));
            for (Map.Entry<String, Long> t : g.byType.entrySet()) {
                out.write(String.format("  %-40s %d%n", t.getKey(), t.getValue()));
            }
            out.write("  top processes:\n");
            g.byPid.entrySet().stream().sorted(Map.Entry.<Integer, Long>comparingByValue(Comparator.reverseOrder()))
                    .limit(5).forEach(p -> {
                        try {
                            out.write(String.format("    %-16s %7d %d%n", context.comm(p.getKey()), p.getKey(),
                                    p.getValue()));
                        } catch (IOException ex) {
                            throw new java.io.UncheckedIOException(ex);
                        }
                    });
        }
        out.flush();
    }
}
