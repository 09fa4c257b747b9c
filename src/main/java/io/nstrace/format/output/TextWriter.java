package io.nstrace.format.output;

import io.nstrace.format.output.Attribution;

import io.nstrace.format.printfmt.PrintFmtRenderer;

import io.nstrace.format.ringbuffer.TraceEvent;

import java.io.IOException;
import java.io.Writer;

/**
 * One line per event in trace-cmd report's layout ({@code comm-pid [cpu] secs.usecs: event: fields}), followed by
 * {@code (container:pid)} when the event's task is a container's ({@code ?}: in-container PID unknown); dropped events as {@code CPU:N [M EVENTS DROPPED]}.
 */
public final class TextWriter implements EventWriter {
    private final Writer out;
    private final EventContext context;

    public TextWriter(Writer out, EventContext context) {
        this.out = out;
        this.context = context;
    }

    public void header(int cpus) throws IOException {
        out.write("cpus=" + cpus + "\n");
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void write(TraceEvent e) throws IOException {
        out.write(line(e));
        out.write('\n');
    }

    public String line(TraceEvent e) {
        if (e.isLostMarker()) {
            if (e.droppedPages() > 0) {
                return "CPU:" + e.cpu() + " [EVENTS DROPPED: " + e.droppedPages() + " damaged pages left out]";
            }
            return e.lost() > 0 ? "CPU:" + e.cpu() + " [" + e.lost() + " EVENTS DROPPED]"
                    : "CPU:" + e.cpu() + " [EVENTS DROPPED]";
        }
        long ts = e.timestamp();
        long micros = Long.divideUnsigned(ts + 500, 1000); // trace-cmd rounds to the nearest microsecond
        long secs = micros / 1_000_000L;
        long usecs = micros % 1_000_000L;
        String name = e.format() == null ? "[UNKNOWN TYPE " + e.type() + "]" : e.format().name();
        String fields = e.format() == null ? "" : PrintFmtRenderer.render(e.format(), e.fields(), context.symbols());
        StringBuilder sb = new StringBuilder(String.format("%16s-%-5d [%03d] %5d.%06d: %-21s %s",
                context.comm(e.pid()), e.pid(), e.cpu(), secs, usecs, name + ":", fields));
        Attribution.Owner o = context.attribute(e);
        if (o.inContainer()) {
            sb.append("  (").append(o.container()).append(':')
                    .append(o.containerPid() == null ? "?" : o.containerPid()).append(')');
        }
        return sb.toString();
    }
}
