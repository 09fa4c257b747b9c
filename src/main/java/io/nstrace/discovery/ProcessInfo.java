package io.nstrace.discovery;

import java.util.List;

/**
 * One process (thread group) as seen from the host.
 *
 * @param pid       host PID (TGID)
 * @param ppid      host PID of the parent
 * @param nspid     the NSpid chain from /proc/PID/status: host PID first, the innermost namespace's PID last
 * @param tids      host TIDs of every thread (/proc/PID/task), the main thread included
 * @param comm      the comm (at most 15 characters)
 * @param cmdline   the command line, arguments joined by spaces; empty for kernel threads and zombies
 * @param pidnsInode inode of /proc/PID/ns/pid
 * @param startTime start time in clock ticks since boot (field 22 of /proc/PID/stat): tells PID reuse apart
 */
public record ProcessInfo(int pid, int ppid, List<Integer> nspid, List<Integer> tids, String comm, String cmdline,
                          long pidnsInode, long startTime) {
    public ProcessInfo {
        nspid = List.copyOf(nspid);
        tids = List.copyOf(tids);
    }

    /** The PID inside the process's own (innermost) PID namespace. */
    public int containerPid() {
        return nspid.isEmpty() ? pid : nspid.getLast();
    }
}
