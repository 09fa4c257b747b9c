package io.nstrace.format.output;

import io.nstrace.format.EventReader;
import io.nstrace.format.tracedat.TraceDatWriter;

import io.nstrace.format.TraceData;
import io.nstrace.format.ringbuffer.TraceEvent;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/** Writes a {@link TraceData} in any {@link OutputFormat}: the one place report, record, dump and run share. */
public final class TraceOutput {
    private TraceOutput() {
    }

    /**
     * Writes {@code data} to {@code out} (not closed). {@code container}, when not null, keeps only that
     * container's events in the text, json, summary and perfetto formats; a dat file always holds every buffer.
     * Returns the number of events written (for dat: the events in its pages).
     */
    public static long write(TraceData data, OutputFormat format, OutputStream out, String container)
            throws IOException {
        return write(data, format, out, container, null);
    }

    /** As above; {@code dat} says how to write a trace.dat (null: version 7, compressed, scratch in java.io.tmpdir). */
    public static long write(TraceData data, OutputFormat format, OutputStream out, String container,
                             TraceDatWriter.Settings dat) throws IOException {
        if (format == OutputFormat.dat) {
            if (dat == null) {
                TraceDatWriter.write(data, out);
            } else {
                TraceDatWriter.write(data, out, dat);
            }
            out.flush();
            return -1;
        }
        EventContext ctx = EventContext.of(data);
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        long n;
        try (EventReader reader = new EventReader(data)) {
            Iterator<TraceEvent> events = filter(reader, container == null ? e -> true
                    : e -> e.isLostMarker() || container.equals(ctx.attribute(e).container()));
            n = switch (format) {
                case text -> {
                    TextWriter t = new TextWriter(w, ctx);
                    t.header(data.cpuCount());
                    yield t.writeAll(events);
                }
                case json -> new JsonWriter(w, ctx).writeAll(events);
                case perfetto -> PerfettoWriter.write(data, ctx, events, out);
                case summary -> {
                    TraceSummary s = new TraceSummary(ctx).withStats(data).addAll(events);
                    s.write(w);
                    yield s.events();
                }
                case dat -> throw new IllegalStateException("unreachable");
                case profile -> throw new IllegalArgumentException("profiles are written by format.profile.ProfileOutput");
            };
        }
        w.flush();
        return n;
    }

    /** The events of {@code in} that {@code keep} accepts, lazily. */
    public static Iterator<TraceEvent> filter(Iterator<TraceEvent> in, Predicate<TraceEvent> keep) {
        return new Iterator<>() {
            private TraceEvent next = advance();

            private TraceEvent advance() {
                while (in.hasNext()) {
                    TraceEvent e = in.next();
                    if (keep.test(e)) {
                        return e;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public TraceEvent next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                TraceEvent e = next;
                next = advance();
                return e;
            }
        };
    }
}
