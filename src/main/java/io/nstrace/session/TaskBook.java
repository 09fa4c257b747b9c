package io.nstrace.session;

import io.nstrace.discovery.ProcFileParser;
import io.nstrace.discovery.ProcFs;
import io.nstrace.discovery.ProcessInfo;
import io.nstrace.format.ContainerMap;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every task of one traced container that nstrace learned of, by host TID: its NSpid chain (host first,
 * in-container last; empty while unknown), its comm, and whether the kernel's PID list already holds it (the
 * container's tasks at attach; children of such tasks, which event-fork adds; joiners once appended). Filled at
 * attach, by the watcher from fork events and the parent's clone return (exact: the kernel's own answer), and from
 * /proc. Thread-safe; values never change from known to another known value.
 */
final class TaskBook {
    /** One task: {@code nspid} empty while the in-container PID is unknown. */
    record Entry(List<Integer> nspid, String comm, boolean inKernelList) {
        Entry {
            nspid = List.copyOf(nspid);
        }
    }

    private final Map<Integer, Entry> tasks = new ConcurrentHashMap<>();

    /** The container's tasks at attach (with every thread's own NSpid, read from /proc/PID/task/TID/status). */
    static TaskBook of(List<ProcessInfo> processes, ProcFs proc) {
        TaskBook b = new TaskBook();
        for (ProcessInfo p : processes) {
            b.described(p, proc, true);
        }
        return b;
    }

    /** Adds a described process (all its threads); {@code inKernelList} when the PID list holds them. */
    void described(ProcessInfo p, ProcFs proc, boolean inKernelList) {
        for (int tid : p.tids().isEmpty() ? List.of(p.pid()) : p.tids()) {
            List<Integer> chain = tid == p.pid() ? p.nspid() : proc == null ? List.of() : threadNsPid(proc, p.pid(),
                    tid);
            tasks.merge(tid, new Entry(chain, p.comm(), inKernelList), (old, now) -> new Entry(
                    now.nspid().isEmpty() ? old.nspid() : now.nspid(), now.comm(),
                    old.inKernelList() || now.inKernelList()));
        }
    }

    /** A task read from /proc/TID/status: its own NSpid chain. */
    void task(int tid, List<Integer> nspid, String comm, boolean inKernelList) {
        tasks.merge(tid, new Entry(nspid, comm, inKernelList), (old, now) -> new Entry(
                old.nspid().isEmpty() ? now.nspid() : old.nspid(), now.comm(),
                old.inKernelList() || now.inKernelList()));
    }

    boolean knows(int tid) {
        return tasks.containsKey(tid);
    }

    /** Whether the kernel's PID list holds {@code tid} (so event-fork adds its children). */
    boolean inKernelList(int tid) {
        Entry e = tasks.get(tid);
        return e != null && e.inKernelList();
    }

    /** A child forked by a task of this container: in the container, in-container PID not known yet. */
    void forked(int child, String comm, boolean inKernelList) {
        tasks.merge(child, new Entry(List.of(), comm, inKernelList),
                (old, now) -> new Entry(old.nspid(), old.comm(), old.inKernelList() || now.inKernelList()));
    }

    /** The in-container PID of {@code tid}, from its parent's clone return or a /proc read. */
    void learned(int tid, int containerPid) {
        tasks.computeIfPresent(tid, (k, old) -> old.nspid().isEmpty()
                ? new Entry(List.of(tid, containerPid), old.comm(), old.inKernelList()) : old);
    }

    void admitted(int tid) {
        tasks.computeIfPresent(tid, (k, old) -> new Entry(old.nspid(), old.comm(), true));
    }

    /** Whether {@code tid}'s in-container PID is known. */
    boolean hasPid(int tid) {
        Entry e = tasks.get(tid);
        return e != null && !e.nspid().isEmpty();
    }

    /** How many tasks are known. */
    int size() {
        return tasks.size();
    }

    /** The container map's view: every task, in container {@code container}. */
    Map<Integer, ContainerMap.TaskInfo> snapshot(String container) {
        Map<Integer, ContainerMap.TaskInfo> m = new HashMap<>();
        tasks.forEach((tid, e) -> m.put(tid, new ContainerMap.TaskInfo(tid, container, e.nspid(), e.comm())));
        return m;
    }

    /** A thread's own NSpid (its in-container TID, not its process's PID); empty when it is gone. */
    private static List<Integer> threadNsPid(ProcFs proc, int pid, int tid) {
        return proc.readString(proc.pidDir(pid).resolve("task").resolve(Integer.toString(tid)).resolve("status"))
                .map(ProcFileParser::parseNsPid).orElse(List.of());
    }
}
