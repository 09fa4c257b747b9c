package io.nstrace.session;

import io.nstrace.discovery.ProcFs;
import io.nstrace.discovery.ProcessInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongConsumer;

/**
 * Learns every new task of the traced containers from the watcher's fork, exec and clone-return lines, in three
 * steps that never wait for each other:
 * <ol>
 * <li>on the watcher's thread, a fork by a task a session knows puts the child in that session's {@link TaskBook}
 * (no /proc read, no append: event-fork already put it in the kernel's PID list when its parent was there), and the
 * parent's return from clone/clone3/fork/vfork, the child's PID in the parent's namespace, gives its in-container
 * PID exactly, however short the child's life;</li>
 * <li>a fork by a task no session knows (a joiner: docker exec, nsenter) goes to the NSpid thread, which reads
 * {@code /proc/PID/ns/pid} and, when it is a traced namespace, {@code /proc/PID/status} at once;</li>
 * <li>only tasks the kernel's list does not hold yet (joiners, and children they forked before their admission) go
 * to the admission thread, which appends them to {@code set_event_pid}: each append waits for an RCU grace period
 * (~30 ms), which no longer delays any read.</li>
 * </ol>
 */
final class ForkFollower implements AutoCloseable {
    private record Item(int tid, long stampNanos) {
    }

    private record Admission(FencedInstance session, int tid, long stampNanos) {
    }

    private final ProcFs proc;
    private final List<FencedInstance> sessions;
    private final LongConsumer admittedAt;
    private final Map<Integer, Integer> pendingChild = new HashMap<>();
    private final BlockingQueue<Item> reads = new LinkedBlockingQueue<>();
    private final BlockingQueue<Admission> admissions = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final Thread admitter;
    private volatile boolean closed;

    /** {@code admittedAt} gets the kernel timestamp (trace clock ns) of the fork of each joiner admitted. */
    ForkFollower(ProcFs proc, List<FencedInstance> sessions, LongConsumer admittedAt) {
        this.proc = proc;
        this.sessions = sessions;
        this.admittedAt = admittedAt;
        this.reader = Thread.ofPlatform().daemon().name("nstrace-nspid").start(this::readLoop);
        this.admitter = Thread.ofPlatform().daemon().name("nstrace-admit").start(this::admitLoop);
    }

    /** A fork seen by the watcher (host TIDs). Called on the watcher's thread only. */
    void fork(int parent, int child, long stampNanos) {
        boolean known = false;
        for (FencedInstance s : sessions) {
            TaskBook book = s.book();
            if (book.knows(parent)) {
                known = true;
                boolean inList = book.inKernelList(parent);
                book.forked(child, "", inList);
                pendingChild.put(parent, child);
                if (!inList) {
                    admissions.add(new Admission(s, child, stampNanos));
                }
            }
        }
        if (!known) {
            reads.add(new Item(child, stampNanos));
        }
    }

    /** A return from a clone-family call by {@code task}: {@code value} is the child's PID in task's namespace. */
    void cloneReturn(int task, long value) {
        if (value <= 0) {
            if (value < 0) {
                pendingChild.remove(task);
            }
            return;
        }
        Integer child = pendingChild.remove(task);
        if (child == null) {
            return;
        }
        for (FencedInstance s : sessions) {
            if (s.book().knows(task) && s.book().knows(child)) {
                s.book().learned(child, (int) value);
            }
        }
    }

    /** An exec; a PID no session knows is looked at like a new one (its fork may have been lost). */
    void exec(int pid, long stampNanos) {
        for (FencedInstance s : sessions) {
            if (s.book().knows(pid)) {
                return;
            }
        }
        reads.add(new Item(pid, stampNanos));
    }

    private void readLoop() {
        try {
            while (!closed) {
                Item it = reads.take();
                try {
                    look(it);
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(ForkFollower.class).warn("cannot read pid {}: {}", it.tid(),
                            e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** One readlink; for a traced namespace, the task's NSpid at once, then admission if the kernel lacks it. */
    private void look(Item it) {
        OptionalLong ns = proc.pidnsInode(it.tid());
        if (ns.isEmpty()) {
            return;
        }
        for (FencedInstance s : sessions) {
            if (s.container().pidnsInode() != ns.getAsLong()) {
                continue;
            }
            Optional<ProcessInfo> p = new ProcessProbe(proc).describe(it.tid(), ns.getAsLong());
            if (p.isEmpty()) {
                continue;
            }
            s.book().task(it.tid(), p.get().nspid(), p.get().comm(), false);
            if (!s.book().inKernelList(it.tid())) {
                admissions.add(new Admission(s, it.tid(), it.stampNanos()));
            }
        }
    }

    private void admitLoop() {
        try {
            while (!closed) {
                List<Admission> batch = new ArrayList<>();
                batch.add(admissions.take());
                admissions.drainTo(batch);
                Map<FencedInstance, List<Admission>> bySession = new LinkedHashMap<>();
                batch.forEach(a -> bySession.computeIfAbsent(a.session(), k -> new ArrayList<>()).add(a));
                bySession.forEach(this::admit);
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    private void admit(FencedInstance s, List<Admission> batch) {
        try {
            List<Integer> tids = batch.stream().map(Admission::tid).toList();
            s.admit(tids);
            tids.forEach(s.book()::admitted);
            batch.forEach(a -> admittedAt.accept(a.stampNanos()));
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ForkFollower.class).warn("cannot admit {}: {}", batch, e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        reader.interrupt();
        admitter.interrupt();
        for (Thread t : List.of(reader, admitter)) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
