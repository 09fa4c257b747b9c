package io.nstrace.session;

import io.nstrace.discovery.ProcessInfo;
import io.nstrace.tracefs.TraceInstance;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * The instance's PID filter: the host TIDs of one PID namespace in {@code set_event_pid} (and
 * {@code set_ftrace_pid} with function tracing). The first write replaces ({@code >}); every later one appends
 * ({@code >>}): truncating the file lifts the filter until the write completes, so the list is never
 * rewritten once tracing can run. A TID is written only after re-checking, right before the write, that it
 * is in the namespace (and its start time did not change), and checked again after: if it left, its number
 * goes into the notrace list, which wins over the PID list, so a process outside the container is never
 * traced.
 */
final class PidFence {
    static final String EVENT_PIDS = "set_event_pid";
    static final String FTRACE_PIDS = "set_ftrace_pid";
    static final String EVENT_NOTRACE_PIDS = "set_event_notrace_pid";
    static final String FTRACE_NOTRACE_PIDS = "set_ftrace_notrace_pid";
    /** Below the 4 KB a tracefs PID write parses at once, so no number is split between writes. */
    static final int BATCH_BYTES = 3000;

    private final TraceInstance instance;
    private final ProcessProbe probe;
    private final long pidnsInode;
    private final List<String> files;
    private final List<String> notraceFiles;
    private final TreeSet<Integer> written = new TreeSet<>();

    PidFence(TraceInstance instance, ProcessProbe probe, long pidnsInode, boolean ftrace) {
        this.instance = instance;
        this.probe = probe;
        this.pidnsInode = pidnsInode;
        this.files = ftrace ? List.of(EVENT_PIDS, FTRACE_PIDS) : List.of(EVENT_PIDS);
        this.notraceFiles = ftrace ? List.of(EVENT_NOTRACE_PIDS, FTRACE_NOTRACE_PIDS) : List.of(EVENT_NOTRACE_PIDS);
    }

    /** The initial list, replacing whatever the file held. */
    synchronized List<Integer> init(Collection<Integer> tids) {
        List<Integer> ok = verified(tids);
        if (ok.isEmpty()) {
            throw io.nstrace.error.NstraceException.user("the container has no processes left to trace");
        }
        written.clear();
        written.addAll(ok);
        for (String f : files) {
            writeAll(f, written, true);
        }
        fenceOffLeavers(ok);
        return List.copyOf(written);
    }

    /** Appends the TIDs not written yet that are in the namespace; returns those added, with their details. */
    synchronized List<ProcessInfo> add(Collection<Integer> tids) {
        List<Integer> fresh = new ArrayList<>();
        java.util.Set<Integer> inKernel = kernelList();
        for (int t : tids) {
            if (!written.contains(t) && !inKernel.contains(t)) {
                fresh.add(t);
            }
        }
        List<Integer> ok = verified(fresh);
        if (ok.isEmpty()) {
            return List.of();
        }
        List<ProcessInfo> infos = new ArrayList<>();
        for (int t : ok) {
            probe.describe(t, pidnsInode).ifPresent(infos::add);
        }
        for (String f : files) {
            writeAll(f, ok, false);
        }
        written.addAll(ok);
        List<Integer> left = fenceOffLeavers(ok);
        infos.removeIf(p -> left.contains(p.tids().getFirst()));
        return infos;
    }

    /**
     * The TIDs the kernel's list holds now: those written and those event-fork added (children of listed tasks).
     * Appending one of those again would cost an RCU grace period for nothing.
     */
    private java.util.Set<Integer> kernelList() {
        java.util.Set<Integer> s = new java.util.HashSet<>();
        String text;
        try {
            text = instance.read(EVENT_PIDS);
        } catch (RuntimeException e) {
            return s;
        }
        for (String w : text.split("\\s+")) {
            if (!w.isEmpty() && w.chars().allMatch(Character::isDigit)) {
                s.add(Integer.parseInt(w));
            }
        }
        return s;
    }

    /**
     * TIDs that exited (or whose number now belongs to another namespace) between the check and the write:
     * the stale number must never trace anyone. Truncating set_event_pid would lift the filter for a moment,
     * so the number goes to the notrace list instead, which wins; the kernel drops it from both lists when
     * the number's next owner exits.
     */
    private List<Integer> fenceOffLeavers(List<Integer> justWritten) {
        List<Integer> left = justWritten.stream().filter(t -> !probe.inNamespace(t, pidnsInode)).toList();
        if (!left.isEmpty()) {
            written.removeAll(left);
            for (String f : notraceFiles) {
                writeAll(f, left, false);
            }
        }
        return left;
    }

    /** Forgets TIDs that exited (the kernel drops them itself with event-fork), so a reused one can be re-added. */
    synchronized void forgetGone() {
        written.removeIf(t -> !probe.inNamespace(t, pidnsInode));
    }

    synchronized List<Integer> written() {
        return List.copyOf(written);
    }

    private List<Integer> verified(Collection<Integer> tids) {
        List<Integer> ok = new ArrayList<>();
        for (int t : new TreeSet<>(tids)) {
            OptionalLong before = probe.startTime(t);
            if (before.isPresent() && probe.inNamespace(t, pidnsInode) && probe.startTime(t).equals(before)) {
                ok.add(t);
            }
        }
        return ok;
    }

    private void writeAll(String file, Collection<Integer> tids, boolean replace) {
        if (tids.isEmpty()) {
            return;
        }
        StringBuilder batch = new StringBuilder();
        boolean first = replace;
        for (int t : tids) {
            if (batch.length() + 12 > BATCH_BYTES) {
                put(file, batch.append('\n').toString(), first);
                first = false;
                batch.setLength(0);
            }
            if (!batch.isEmpty()) {
                batch.append(' ');
            }
            batch.append(t);
        }
        put(file, batch.append('\n').toString(), first);
    }

    private void put(String file, String text, boolean replace) {
        if (replace) {
            instance.write(file, text);
        } else {
            instance.append(file, text);
        }
    }
}
