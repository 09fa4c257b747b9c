package io.nstrace.session;

import io.nstrace.error.NstraceException;
import io.nstrace.discovery.Container;
import io.nstrace.discovery.ProcessInfo;
import io.nstrace.tracefs.EventId;
import io.nstrace.tracefs.TraceInstance;

import java.util.Collection;
import java.util.List;

/**
 * Tracing of one container in its own tracefs instance, fenced to the container's host TIDs. Created by
 * {@link FencedInstances#attach}; {@link #start}/{@link #stop} toggle tracing_on; {@link #detach} removes the
 * instance and the state file. Thread-safe: the watcher adds PIDs while the owner starts and stops.
 */
public final class FencedInstance {
    private final Container container;
    private final SessionOptions options;
    private final List<EventId> events;
    private final TraceInstance instance;
    private final PidFence fence;
    private final SessionListener listener;
    private final FencedInstances owner;
    private final TaskBook book;
    private volatile SessionState state = SessionState.ATTACHED;
    private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

    FencedInstance(Container container, SessionOptions options, List<EventId> events, TraceInstance instance,
                   PidFence fence, SessionListener listener, FencedInstances owner, TaskBook book) {
        this.book = book;
        this.container = container;
        this.options = options;
        this.events = List.copyOf(events);
        this.instance = instance;
        this.fence = fence;
        this.listener = listener;
        this.owner = owner;
    }

    public Container container() {
        return container;
    }

    public SessionOptions options() {
        return options;
    }

    /** The resolved events this session enabled. */
    public List<EventId> events() {
        return events;
    }

    /** The session's instance: the recorder reads per_cpu/cpuN/trace_pipe_raw from here. */
    public TraceInstance instance() {
        return instance;
    }

    public SessionState state() {
        return state;
    }

    /** Host TIDs currently in the PID fence. */
    public List<Integer> tids() {
        return fence.written();
    }

    public synchronized void start() {
        require(SessionState.ATTACHED, SessionState.STOPPED);
        instance.write("tracing_on", "1");
        state = SessionState.RUNNING;
        listener.started(this);
    }

    public synchronized void stop() {
        require(SessionState.RUNNING);
        listener.stopping(this);
        instance.write("tracing_on", "0");
        state = SessionState.STOPPED;
    }

    /**
     * Removes the instance (its buffer goes with it) and the state file; idempotent. A second caller (the
     * shutdown hook while a release runs on another thread) returns once the first one is done, at most 10 s.
     */
    public void detach() {
        boolean first;
        synchronized (this) {
            first = state != SessionState.DETACHED;
            if (first && state == SessionState.RUNNING) {
                listener.stopping(this);
            }
            state = SessionState.DETACHED;
        }
        if (!first) {
            awaitReleased(); // no lock held: the release may need this session's (the watcher admits under it)
            return;
        }
        try {
            try {
                instance.write("tracing_on", "0");
            } catch (RuntimeException ignored) {
                // release below tries again; removal is what matters
            }
            listener.detaching(this);
            owner.release(this);
        } finally {
            released.countDown();
        }
    }

    private void awaitReleased() {
        try {
            released.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Adds candidate TIDs (joiners, new threads); only those in the container's namespace get in. */
    synchronized List<ProcessInfo> admit(Collection<Integer> tids) {
        if (state == SessionState.DETACHED || state == SessionState.ENDED) {
            return List.of();
        }
        List<ProcessInfo> added = fence.add(tids);
        for (ProcessInfo p : added) {
            book.task(p.tids().getFirst(), p.nspid(), p.comm(), true);
        }
        if (!added.isEmpty()) {
            listener.pidsAdded(this, added);
        }
        return added;
    }

    /** The container's last process is gone: tracing off, instance kept for its data. */
    void ended() {
        synchronized (this) {
            if (state == SessionState.DETACHED || state == SessionState.ENDED) {
                return;
            }
            if (state == SessionState.RUNNING) {
                listener.stopping(this);
            }
            instance.write("tracing_on", "0");
            state = SessionState.ENDED;
        }
        listener.containerExited(this);
    }

    /** Every task of the container learned so far, with its in-container PID where known. */
    TaskBook book() {
        return book;
    }

    /**
     * The container map's entries for this session's tasks (host TID to NSpid chain and comm), under the
     * container's name.
     */
    public java.util.Map<Integer, io.nstrace.format.ContainerMap.TaskInfo> tasks() {
        return book.snapshot(container.name());
    }

    PidFence fence() {
        return fence;
    }

    private void require(SessionState... allowed) {
        for (SessionState s : allowed) {
            if (state == s) {
                return;
            }
        }
        throw NstraceException.user("session on '" + container.name() + "' is " + state.name().toLowerCase()
                + (state == SessionState.ENDED ? " (the container exited)" : ""));
    }

    @Override
    public String toString() {
        return container.name() + " " + state.name().toLowerCase() + " " + instance.name();
    }
}
