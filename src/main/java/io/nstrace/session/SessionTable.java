package io.nstrace.session;

import io.nstrace.error.NstraceException;
import io.nstrace.discovery.Container;
import io.nstrace.discovery.ProcFs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The recordings of this process by session name (the container's name, made unique with "-2", "-3"...): what
 * the shell's {@code attach}, {@code start}, {@code stop}, {@code dump}, {@code status} and {@code detach} act
 * on. Remembers per recording whether it ever ran and how many events the last dump held, so the shell can warn
 * about traces not dumped, and the event counts of the last status refresh, for events/s.
 * {@link #close} detaches every recording (instances and spools removed). Thread-safe.
 */
public final class SessionTable implements AutoCloseable {
    private final Supplier<FencedInstances> manager;
    private final Supplier<ProcFs> proc;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** One recording and what the registry remembers about it. */
    private static final class Entry {
        final Session recording;
        boolean started;
        long dumpedEvents;
        long rateEvents;
        long rateNanos;

        Entry(Session recording) {
            this.recording = recording;
            this.rateNanos = System.nanoTime();
        }
    }

    /**
     * One line of {@code status}: what a recording did so far; {@code failure} says why its spool stopped it
     * (null when it did not).
     */
    public record Status(String name, String container, SessionState state, long events, long lost, long bytes,
                         java.time.Duration duration, int joiners, boolean dumped, String failure) {
    }

    public SessionTable(Supplier<FencedInstances> manager, Supplier<ProcFs> proc) {
        this.manager = manager;
        this.proc = proc;
    }

    /** Attaches a session to {@code container} (detailed) under a fresh name; refuses a container attached already. */
    public synchronized String attach(Container container, SessionOptions options, Path spool) {
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue().recording.container().pidnsInode() == container.pidnsInode()) {
                throw NstraceException.user("container '" + container.name() + "' is already attached as session '"
                        + e.getKey() + "'");
            }
        }
        String name = container.name();
        for (int i = 2; entries.containsKey(name); i++) {
            name = container.name() + "-" + i;
        }
        entries.put(name, new Entry(Session.attach(manager.get(), container, options, spool, proc.get())));
        return name;
    }

    public synchronized List<String> names() {
        return List.copyOf(entries.keySet());
    }

    public synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The recording named {@code name}; the error lists the sessions there are. */
    public synchronized Session get(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw NstraceException.user(entries.isEmpty() ? "no session '" + name + "': nothing is attached"
                    : "no session '" + name + "'; sessions: " + String.join(", ", entries.keySet()));
        }
        return e.recording;
    }

    /**
     * The session names a command acts on: every one with {@code all}, the given names, or with none given the
     * only session there is (an error when there are several or none).
     */
    public synchronized List<String> resolve(List<String> names, boolean all) {
        if (all) {
            if (entries.isEmpty()) {
                throw NstraceException.user("no sessions: attach a container first");
            }
            return names();
        }
        if (names == null || names.isEmpty()) {
            if (entries.size() == 1) {
                return names();
            }
            throw NstraceException.user(entries.isEmpty() ? "no sessions: attach a container first"
                    : "several sessions (" + String.join(", ", entries.keySet()) + "): name one or give --all");
        }
        List<String> out = new ArrayList<>();
        for (String n : names) {
            get(n);
            if (!out.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /** Starts (or resumes) tracing; refuses a running or ended session. */
    public void start(String name) {
        Session r = get(name);
        switch (r.session().state()) {
            case RUNNING -> throw NstraceException.user("session '" + name + "' is already running");
            case ENDED -> throw NstraceException.user("session '" + name + "' ended: its container exited "
                    + "(dump or detach it)");
            default -> r.start();
        }
        synchronized (this) {
            entries.get(name).started = true;
        }
    }

    /** Stops tracing; refuses a session that is not running. */
    public void stop(String name) {
        Session r = get(name);
        switch (r.session().state()) {
            case ATTACHED -> throw NstraceException.user("session '" + name + "' was never started");
            case STOPPED -> throw NstraceException.user("session '" + name + "' is already stopped");
            case ENDED -> throw NstraceException.user("session '" + name + "' ended: its container exited");
            default -> r.stop();
        }
    }

    /** Whether the session ever ran (and so has a trace, maybe empty). */
    public synchronized boolean started(String name) {
        get(name);
        return entries.get(name).started;
    }

    /** Notes that the trace of {@code name} as it is now was written out. */
    public synchronized void dumped(String name, long events) {
        get(name);
        entries.get(name).dumpedEvents = events;
    }

    /** Detaches one session: instance, state file and spool removed. */
    public void detach(String name) {
        Session r;
        synchronized (this) {
            r = get(name);
            entries.remove(name);
        }
        r.detach();
    }

    /** One status per session, in attach order. */
    public synchronized List<Status> status() {
        List<Status> out = new ArrayList<>();
        entries.forEach((name, e) -> {
            Session r = e.recording;
            long events = r.events();
            out.add(new Status(name, r.container().name(), r.session().state(), events, r.lost(), r.bytes(),
                    r.duration(), r.joinersAdded(), !pending(e, events), r.failure()));
        });
        return out;
    }

    /** "2 traces not dumped" when recordings ran (or run) with events no dump has written; null otherwise. */
    public synchronized String pendingWarning() {
        long n = entries.values().stream().filter(e -> pending(e, e.recording.events())).count();
        return n == 0 ? null : n + (n == 1 ? " trace" : " traces") + " not dumped";
    }

    /**
     * For the named sessions only: {@code web: trace not dumped} (or {@code 2 traces not dumped: web, db}) when one
     * runs or holds events no dump wrote, else null. {@code detach} asks this before it throws a trace away.
     */
    public synchronized String pendingWarning(java.util.Collection<String> names) {
        List<String> held = names.stream().filter(n -> {
            Entry e = entries.get(n);
            return e != null && pending(e, e.recording.events());
        }).toList();
        if (held.isEmpty()) {
            return null;
        }
        return held.size() == 1 ? held.getFirst() + ": trace not dumped"
                : held.size() + " traces not dumped: " + String.join(", ", held);
    }

    private static boolean pending(Entry e, long events) {
        return e.started && (e.recording.session().state() == SessionState.RUNNING || events > e.dumpedEvents);
    }

    /**
     * One line per running session for the status bar, events/s from the change since the previous call:
     * {@code web running 1,234 ev/s lost 0}.
     */
    public synchronized List<String> statusLines() {
        List<String> lines = new ArrayList<>();
        long now = System.nanoTime();
        entries.forEach((name, e) -> {
            long events = e.recording.events();
            double secs = Math.max(1e-3, (now - e.rateNanos) / 1e9);
            long rate = Math.round(Math.max(0, events - e.rateEvents) / secs);
            e.rateEvents = events;
            e.rateNanos = now;
            SessionState state = e.recording.session().state();
            String failure = e.recording.failure();
            if (failure != null) {
                lines.add(String.format("%s failed lost %,d: %s", name, e.recording.lost(), failure));
            } else if (state == SessionState.RUNNING) {
                lines.add(String.format("%s running %,d ev/s lost %,d", name, rate, e.recording.lost()));
            }
        });
        return lines;
    }

    /** Detaches every session; the first failure is rethrown after all were tried. */
    @Override
    public void close() {
        List<Session> all;
        synchronized (this) {
            all = entries.values().stream().map(e -> e.recording).toList();
            entries.clear();
        }
        RuntimeException first = null;
        for (Session r : all) {
            try {
                r.detach();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
