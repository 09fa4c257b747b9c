package io.nstrace.format.output;

import io.nstrace.format.ringbuffer.TraceEvent;

import java.io.IOException;
import java.util.Iterator;

/** Writes events one at a time (one line each: text or JSON Lines). */
public interface EventWriter {
    void write(TraceEvent e) throws IOException;

    void flush() throws IOException;

    /** Writes every event of {@code events}, flushes, and returns how many were written. */
    default long writeAll(Iterator<TraceEvent> events) throws IOException {
        long n = 0;
        while (events.hasNext()) {
            write(events.next());
            n++;
        }
        flush();
        return n;
    }
}
