package io.nstrace.session;

import io.nstrace.sys.NativeException;
import io.nstrace.sys.Errno;
import io.nstrace.error.NstraceException;
import io.nstrace.discovery.Container;
import io.nstrace.discovery.ProcFs;
import io.nstrace.tracefs.EventId;
import io.nstrace.tracefs.TraceFs;
import io.nstrace.tracefs.TraceFsCatalog;
import io.nstrace.tracefs.TraceInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The sessions of this process, each in its own instance, independent of each other; the shared joiner
 * watcher lives while at least one session does. A JVM shutdown hook (normal exit, SIGINT, SIGTERM, SIGHUP)
 * detaches whatever is still attached.
 */
public final class FencedInstances implements AutoCloseable {
    /** Makes and removes instance directories: tracefs mkdir/rmdir live, a template copy in fixture tests. */
    public interface InstanceStore {
        TraceInstance create(String name);

        default void remove(TraceInstance instance) {
            instance.remove();
        }
    }

    private final TraceFs traceFs;
    private final ProcFs proc;
    private final StateDir stateDir;
    private final InstanceStore store;
    private final boolean watch;
    private final TraceFsCatalog catalog;
    private final List<FencedInstance> sessions = new CopyOnWriteArrayList<>();
    private final java.util.Map<String, PendingInstance> pending = new java.util.concurrent.ConcurrentHashMap<>();
    /** Spool directories of released sessions still being written from: the shutdown hook removes them. */
    private final java.util.Set<java.nio.file.Path> spoolsAtExit = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile java.util.function.Consumer<String> notices = line -> { };
    private PidWatcher watcher;
    private final Object watcherStart = new Object();
    private volatile boolean shuttingDown;
    private Thread hook;

    public FencedInstances(TraceFs traceFs, ProcFs proc, StateDir stateDir, InstanceStore store, boolean watch) {
        this.traceFs = traceFs;
        this.proc = proc;
        this.stateDir = stateDir;
        this.store = store;
        this.watch = watch;
        this.catalog = new TraceFsCatalog(traceFs);
    }

    /** The live setup: real instances, the joiner watcher on. */
    public static FencedInstances live(TraceFs traceFs, ProcFs proc, StateDir stateDir) {
        return new FencedInstances(traceFs, proc, stateDir, traceFs::createInstance, true);
    }

    /**
     * Where one-line notices of long kernel operations go ("allocating ... KB per CPU ..."); the command line
     * shows them on a terminal. Default: nowhere.
     */
    public void notices(java.util.function.Consumer<String> sink) {
        notices = java.util.Objects.requireNonNull(sink);
    }

    public TraceFsCatalog catalog() {
        return catalog;
    }

    public StateDir stateDir() {
        return stateDir;
    }

    public List<FencedInstance> sessions() {
        return List.copyOf(sessions);
    }

    /**
     * Creates and configures an instance for the container, tracing off. On any failure nothing is left
     * behind: the instance and its state file are removed before the error propagates.
     */
    public FencedInstance attach(Container c, SessionOptions o, SessionListener listener) {
        return attach(c, o, listener, null);
    }

    /**
     * As {@link #attach(Container, SessionOptions, SessionListener)}; the state file also names the session's
     * spool directory {@code <spoolRoot>/<instance>} (when {@code spoolRoot} is not null), so that
     * {@code nstrace reset} removes it with the instance when this process dies without detaching.
     */
    public FencedInstance attach(Container c, SessionOptions o, SessionListener listener, java.nio.file.Path spoolRoot) {
        List<EventId> events = catalog.selector().resolve(o.eventSpecs());
        String name = InstanceNames.forContainer(c.name());
        installHook(); // first: a signal from here on removes what this attach made (the instance, its state file)
        PendingInstance p = pend(name);
        try {
            stateDir.write(new OwnerRecord(ProcessHandle.current().pid(), ownStart(), c.name(), name,
                    traceFs.root().toString(), spoolRoot == null ? "" : spoolRoot.resolve(name).toString()));
            TraceInstance instance;
            try {
                instance = p.create(store);
            } catch (RuntimeException e) {
                stateDir.remove(name);
                throw e;
            }
            try {
                FencedInstance s = configure(c, o, listener, events, instance, p);
                sessions.add(s);
                if (watch) {
                    watcher().register(s);
                }
                return s;
            } catch (RuntimeException e) {
                removeQuietly(store, instance, e);
                stateDir.remove(name);
                throw p.abandoned() ? new NstraceException(io.nstrace.error.ExitCodes.USER, "attach to '" + c.name()
                        + "' cancelled by a signal", e) : e;
            }
        } finally {
            pending.remove(name);
        }
    }

    private FencedInstance configure(Container c, SessionOptions o, SessionListener listener, List<EventId> events,
                                   TraceInstance instance, PendingInstance p) {
        InstanceSetup setup = new InstanceSetup(instance, catalog);
        if (o.functionTracing()) {
            setup.probeFunction();
        }
        setup.base(o, new InstanceSetup.BufferContext(p::writing, notices, proc));
        PidFence fence = new PidFence(instance, new ProcessProbe(proc), c.pidnsInode(), o.functionTracing());
        fence.init(c.tids());
        setup.events(events, o.filter());
        if (o.functionTracing()) {
            setup.function(o);
        }
        return new FencedInstance(c, o, events, instance, fence, listener, this, TaskBook.of(c.processes(), proc));
    }

    /**
     * Nanoseconds from the kernel's fork/exec event of each joiner the watcher admitted to its admission
     * (recent ones, oldest first); empty without a watcher or a mono trace clock.
     */
    public synchronized List<Long> joinerLags() {
        return watcher == null ? List.of() : watcher.lags();
    }

    /** Detaches one session: its instance and state file only; other sessions are untouched. */
    public void detach(FencedInstance s) {
        s.detach();
    }

    /**
     * Called by {@link FencedInstance#detach} once: removes the instance and state file, and the watcher when no
     * one needs it any more, both rmdirs at once (each waits for the kernel: ~100 and ~40 ms here).
     */
    synchronized void release(FencedInstance s) {
        sessions.remove(s);
        java.util.concurrent.CompletableFuture<Void> watcherGone = null;
        if (watcher != null) {
            watcher.unregister(s);
            if (watcher.idle()) {
                PidWatcher w = watcher;
                watcher = null;
                watcherGone = java.util.concurrent.CompletableFuture.runAsync(() -> closeWatcher(w),
                        task -> Thread.ofPlatform().daemon().name("nstrace-watch-close").start(task));
            }
        }
        try {
            try {
                s.instance().write("tracing_on", "0");
            } catch (RuntimeException ignored) {
                // removal below is what matters
            }
            removeRetrying(store, s.instance());
            stateDir.remove(s.instance().name());
        } finally {
            if (watcherGone != null) {
                try {
                    watcherGone.join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : e;
                }
            }
        }
    }

    /**
     * Waits (at most 250 ms) until the joiner watcher has handled every fork, exec and clone return the kernel
     * logged before this call, so the task book holds the in-container PIDs of tasks that just ended; at once
     * without a watcher.
     */
    public void settle() {
        PidWatcher w;
        synchronized (this) {
            w = watcher;
        }
        if (w != null) {
            w.sync(java.time.Duration.ofMillis(250));
        }
    }

    /** {@code dir} (a released session's spool, being written from) is removed by the shutdown hook. */
    void removeAtExit(java.nio.file.Path dir) {
        spoolsAtExit.add(dir);
    }

    /** {@code dir} was removed by its session. */
    void spoolRemoved(java.nio.file.Path dir) {
        spoolsAtExit.remove(dir);
    }

    /** Rescans /proc for every session now (the watcher does it each second): joiners, new threads, exits. */
    public void rescan() {
        PidWatcher.rescan(proc, List.copyOf(sessions));
    }

    /**
     * Waits for a container matching {@code match} to appear in {@code discover}'s answers and attaches to it.
     * Polls every {@code poll}; with the watcher on, any exec on the host triggers an immediate look.
     */
    public FencedInstance attachWhenSeen(Supplier<List<Container>> discover, Predicate<Container> match,
                                       SessionOptions o, SessionListener listener, Duration timeout, Duration poll)
            throws InterruptedException {
        return attach(awaitContainer(discover, match, timeout, poll), o, listener);
    }

    /**
     * The first container matching {@code match} in {@code discover}'s answers, waiting for one to appear: polls
     * every {@code poll}; with the watcher on, any exec on the host triggers an immediate look.
     */
    public Container awaitContainer(Supplier<List<Container>> discover, Predicate<Container> match,
                                    Duration timeout, Duration poll) throws InterruptedException {
        Semaphore wake = new Semaphore(0);
        Runnable signal = wake::release;
        if (watch) {
            watcher().onExec(signal);
        }
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Optional<Container> found = discover.get().stream().filter(match).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw NstraceException.user("no matching container appeared within " + (timeout.toMillis() < 1000
                            ? timeout.toMillis() + " ms" : timeout.toSeconds() + " s"));
                }
                wake.tryAcquire(Math.min(left, poll.toNanos()), TimeUnit.NANOSECONDS);
                wake.drainPermits();
            }
        } finally {
            if (watch) {
                synchronized (this) {
                    watcher.removeExecListener(signal);
                    stopWatcherIfIdle();
                }
            }
        }
    }

    /**
     * Calls {@code r} (quickly, on the watcher's thread) with the PID of every fork and exec on the host until the
     * returned handle is run; without the watcher (fixture tests) never. Used to look for new containers at once.
     */
    public Runnable onSpawn(java.util.function.IntConsumer r) {
        if (!watch) {
            return () -> { };
        }
        watcher().onSpawn(r);
        return () -> {
            synchronized (this) {
                if (watcher != null) {
                    watcher.removeSpawnListener(r);
                    stopWatcherIfIdle();
                }
            }
        };
    }

    /**
     * The watcher, created if there is none, under a lock of its own rather than this object's (its set-up waits
     * for the kernel).
     */
    private PidWatcher watcher() {
        synchronized (watcherStart) {
            synchronized (this) {
                if (watcher != null) {
                    return watcher;
                }
            }
            String name = InstanceNames.forWatcher();
            installHook();
            PendingInstance p = pend(name);
            try {
                stateDir.write(new OwnerRecord(ProcessHandle.current().pid(), ownStart(), "-", name,
                        traceFs.root().toString()));
                PidWatcher made;
                try {
                    made = new PidWatcher(p.create(traceFs::createInstance), proc);
                } catch (RuntimeException e) {
                    removeQuietly(traceFs::createInstance, traceFs.instance(name), e);
                    stateDir.remove(name);
                    throw e;
                }
                synchronized (this) {
                    watcher = made;
                }
                return made;
            } finally {
                pending.remove(name);
            }
        }
    }

    private synchronized void stopWatcherIfIdle() {
        if (watcher != null && watcher.idle()) {
            PidWatcher w = watcher;
            watcher = null;
            closeWatcher(w);
        }
    }

    private void closeWatcher(PidWatcher w) {
        w.close();
        stateDir.remove(w.instance().name());
    }

    /**
     * Cancels the attaches under way (a signal before {@code run}'s command started): a long buffer allocation
     * stops at once, the instance and its state file go, and the attaching thread fails.
     */
    public void cancelAttaches() {
        abandonPending();
    }

    /**
     * What the shutdown hook does for attaches still under way (a signal while the kernel allocates a large
     * buffer): cancels the slow write so the kernel frees the buffer, removes the instance and the state file.
     */
    private void abandonPending() {
        for (PendingInstance p : pending.values()) {
            TraceInstance made = p.abandon();
            try {
                if (made != null) {
                    removeRetrying(store, made);
                }
            } catch (RuntimeException ignored) {
                // the attaching thread removes it too if it gets there first
            } finally {
                stateDir.remove(p.name());
            }
        }
    }

    /**
     * An instance about to be made, which the shutdown hook abandons: either the hook finds it among the pending
     * ones, or it finds the hook under way and is abandoned at once (the process is ending: a thread still
     * attaching, e.g. while the watcher started on another, must not create anything the hook would not see).
     */
    private PendingInstance pend(String name) {
        PendingInstance p = new PendingInstance(name);
        pending.put(name, p);
        if (shuttingDown) {
            p.abandon();
        }
        return p;
    }

    private synchronized void installHook() {
        if (hook == null) {
            hook = new Thread(() -> {
                shuttingDown = true;
                detachAll();
            }, "nstrace-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    /** Detaches every session, removes the watcher; collects failures and rethrows the first. */
    public void detachAll() {
        abandonPending();
        List<RuntimeException> failures = new ArrayList<>();
        for (FencedInstance s : sessions) {
            try {
                s.detach();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        synchronized (this) { // also waits for a release under way (another thread's) to finish
            if (watcher != null) {
                watcher.execListenersClear();
                stopWatcherIfIdle();
            }
        }
        for (java.nio.file.Path dir : spoolsAtExit) {
            Session.deleteTree(dir);
            spoolsAtExit.remove(dir);
        }
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
    }

    @Override
    public void close() {
        try {
            detachAll();
        } finally {
            synchronized (this) {
                if (hook != null && !Thread.currentThread().getName().equals("nstrace-cleanup")) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException ignored) {
                        // already shutting down
                    }
                    hook = null;
                }
            }
        }
    }

    /** rmdir gives EBUSY while any file of the instance is open (a reader, a concurrent write): retry briefly. */
    static void removeRetrying(InstanceStore store, TraceInstance instance) {
        for (int attempt = 0; ; attempt++) {
            try {
                store.remove(instance);
                return;
            } catch (NstraceException e) {
                if (attempt >= 50 || !(e.getCause() instanceof NativeException n && n.errno() == Errno.EBUSY)) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private long ownStart() {
        return new ProcessProbe(proc).startTime((int) ProcessHandle.current().pid()).orElse(0);
    }

    private static void removeQuietly(InstanceStore store, TraceInstance instance, RuntimeException cause) {
        try {
            instance.write("tracing_on", "0");
        } catch (RuntimeException ignored) {
            // best effort before rmdir
        }
        try {
            removeRetrying(store, instance);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
