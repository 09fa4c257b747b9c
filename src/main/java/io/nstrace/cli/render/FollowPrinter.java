package io.nstrace.cli.render;

import io.nstrace.format.output.EventContext;
import io.nstrace.format.EventReader;
import io.nstrace.format.output.JsonWriter;
import io.nstrace.format.output.OutputFormat;
import io.nstrace.format.output.TextWriter;
import io.nstrace.format.TraceData;
import io.nstrace.format.ringbuffer.TraceEvent;
import io.nstrace.session.Session;
import io.nstrace.session.TraceFollower;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@code dump --follow}: a worker thread takes what the recordings added ({@link TraceFollower}) every
 * {@link #PERIOD_MILLIS} and prints it; the command's thread waits for Ctrl-C (an interrupt), then tells the
 * worker to finish its round and stop. The worker is never interrupted itself, so a capture is never cut short
 * halfway through draining a segment.
 */
public final class FollowPrinter {
    public static final long PERIOD_MILLIS = 300;

    private final TraceFollower follower;
    private final OutputFormat format;
    private final PrintWriter out;
    private volatile boolean stopping;
    private volatile RuntimeException failure;
    private long printed;

    public FollowPrinter(List<Session> recordings, OutputFormat format, PrintWriter out) {
        this.follower = new TraceFollower(recordings);
        this.format = format;
        this.out = out;
    }

    /** Prints until this thread is interrupted; returns normally then, rethrows what the worker failed with. */
    public long run() {
        Thread worker = Thread.ofPlatform().name("nstrace-follow").start(this::loop);
        try {
            worker.join();
        } catch (InterruptedException e) {
            stopping = true;
            joinUninterruptibly(worker);
        }
        if (failure != null) {
            throw failure;
        }
        return printed;
    }

    private void loop() {
        try {
            boolean first = true;
            while (!stopping) {
                TraceData data = follower.next();
                if (first && format == OutputFormat.text) {
                    out.println("cpus=" + data.cpuCount()); // as a text dump starts
                }
                first = false;
                printed += print(data);
                out.flush();
                sleep();
            }
            printed += print(follower.next()); // what came in up to Ctrl-C
            out.flush();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private long print(TraceData data) {
        EventContext ctx = EventContext.of(data);
        TextWriter text = new TextWriter(out, ctx);
        JsonWriter json = new JsonWriter(out, ctx);
        long n = 0;
        try (EventReader events = new EventReader(data)) {
            while (events.hasNext()) {
                TraceEvent e = events.next();
                if (format == OutputFormat.text) {
                    text.write(e);
                } else {
                    json.write(e);
                }
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    private void sleep() {
        long until = System.nanoTime() + PERIOD_MILLIS * 1_000_000;
        while (!stopping && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
