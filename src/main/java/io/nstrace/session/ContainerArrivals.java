package io.nstrace.session;

import io.nstrace.error.NstraceException;
import io.nstrace.discovery.Container;
import io.nstrace.discovery.ContainerDiscovery;
import io.nstrace.discovery.ProcFs;
import io.nstrace.discovery.Selectors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Records every container matching some selectors as it appears ({@code record --wait}). Each {@link #poll}
 * waits until a fork or exec on the host lands in a PID namespace the last scan did not see (the joiner
 * watcher's events, one readlink each: a new namespace starts with a fork), or the poll interval; then it runs
 * the cheap namespace scan and attaches and starts a {@link Session} for each new
 * match at once, usually before the container's runtime has exec'd its command. SessionTable of containers that
 * exited are kept (their data stays until they are detached). A container whose name does not match yet is
 * looked at again on the next scan (its runtime may name it later).
 */
public final class ContainerArrivals implements AutoCloseable {
    private final FencedInstances sessions;
    private final ContainerDiscovery discovery;
    private final List<String> selectors;
    private final SessionOptions options;
    private final Path spool;
    private final ProcFs proc;
    private final Semaphore wake = new Semaphore(0);
    private final Runnable unregister;
    private final Set<Long> attached = new HashSet<>();
    private volatile Set<Long> known = Set.of();
    private final List<Session> recordings = new ArrayList<>();
    private final List<String> missed = new ArrayList<>();

    public ContainerArrivals(FencedInstances sessions, ContainerDiscovery discovery, List<String> selectors,
                           SessionOptions options, Path spool, ProcFs proc) {
        this.sessions = sessions;
        this.discovery = discovery;
        this.selectors = List.copyOf(selectors);
        this.options = options;
        this.spool = spool;
        this.proc = proc;
        sessions.catalog().selector().resolve(options.eventSpecs());
        this.unregister = sessions.onSpawn(this::spawned);
        rehearse();
    }

    /**
     * Records a gated, never-released namespace of our own for a moment (attach, tracing on, stop, detach, kill),
     * so the first real attach runs on loaded, warm code: cold, it took up to ~200 ms more in a fresh JVM, longer
     * than a short-lived container takes from its namespace's first fork to its command's exec. Best effort.
     */
    private void rehearse() {
        try {
            PrivateDir.ensureRoot(spool, "spool root", "give --spool DIR");
            NamespacedCommand gated = NamespacedCommand.start(List.of("true"), spool, proc);
            try {
                Session r = Session.attach(sessions, TracedRun.container(discovery, gated, "rehearsal"), options,
                        spool, proc);
                try {
                    r.startImmediately();
                    r.stop();
                    r.capture();
                } finally {
                    r.detach();
                }
            } finally {
                gated.kill();
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ContainerArrivals.class).debug("attach rehearsal failed: {}", e.toString());
        }
    }

    /** On the watcher's thread: wakes {@link #poll} when {@code pid} is in a namespace the last scan missed. */
    private void spawned(int pid) {
        java.util.OptionalLong ns = proc.pidnsInode(pid);
        if (ns.isPresent() && !known.contains(ns.getAsLong())) {
            wake.release();
        }
    }

    /**
     * Waits up to {@code maxWaitNanos} for a fork/exec on the host, then scans once and starts recording every
     * new matching container. Returns the recordings started by this call.
     */
    public List<Session> poll(long maxWaitNanos) throws InterruptedException {
        if (maxWaitNanos > 0) {
            wake.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        }
        wake.drainPermits();
        List<Session> fresh = new ArrayList<>();
        io.nstrace.discovery.Snapshot snap = discovery.scanNamespaces();
        Set<Long> seen = new HashSet<>();
        seen.add(snap.host().pidnsInode());
        snap.containers().forEach(c -> seen.add(c.pidnsInode()));
        known = seen;
        for (Container c : Selectors.matching(snap.containers(), selectors)) {
            if (attached.add(c.pidnsInode())) {
                Session r = start(c);
                if (r != null) {
                    fresh.add(r);
                }
            }
        }
        recordings.addAll(fresh);
        return fresh;
    }

    private Session start(Container c) {
        Session r = null;
        try {
            r = Session.attach(sessions, discovery.detailed(c), options, spool, proc);
            r.startImmediately();
            return r;
        } catch (NstraceException e) {
            // it exited between the scan and the attach: nothing of it can be traced any more
            missed.add(c.name() + " (" + e.getMessage() + ")");
            if (r != null) {
                r.detach();
            }
            return null;
        }
    }

    /** Ends a {@link #poll} that is waiting (e.g. from a signal handler). */
    public void wake() {
        wake.release();
    }

    /** Every recording started so far, exited containers included, in the order they appeared. */
    public List<Session> recordings() {
        return List.copyOf(recordings);
    }

    /** Containers that matched but exited before they could be attached, with the reason. */
    public List<String> missed() {
        return List.copyOf(missed);
    }

    /** Stops looking (the recordings are the caller's to stop and detach). */
    @Override
    public void close() {
        unregister.run();
    }
}
