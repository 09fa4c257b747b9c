package io.nstrace.discovery;

import java.util.List;

/**
 * A PID namespace other than the host's, with what nstrace knows about it. Nullable fields are null when
 * unknown (JSON null), never empty strings.
 *
 * @param name             unique in its snapshot: the runtime's name, else the UTS hostname, else comm-initpid
 * @param runtime          docker, podman, containerd, cri-o, lxc, incus, libvirt-lxc, nspawn, mesos, garden, bpm,
 *                         none (no runtime claims it), or host (the {@link Snapshot#host()} pseudo-container)
 * @param id               the runtime's full container id, or null
 * @param pidnsInode       inode of the PID namespace
 * @param pidnsId          the kernel's 64-bit namespace id (NS_GET_ID, 6.18+), or null
 * @param parentPidnsInode inode of the parent PID namespace (the host's for a top-level container)
 * @param level            nesting level: 1 for a container in the host namespace, 2 inside that, ...
 * @param initPid          host PID of the namespace's init (NSpid last entry 1, else the lowest PID)
 * @param processes        every process of the namespace, by host PID ascending
 * @param image            image name, or null
 * @param pod              Kubernetes pod name, or null
 * @param k8sNamespace     Kubernetes namespace, or null
 * @param hostname         the UTS hostname when the container has its own UTS namespace, or null
 */
public record Container(String name, String runtime, String id, long pidnsInode, Long pidnsId,
                        long parentPidnsInode, int level, int initPid, List<ProcessInfo> processes,
                        String image, String pod, String k8sNamespace, String hostname) {
    public Container {
        processes = List.copyOf(processes);
    }

    /** Host PIDs (TGIDs), ascending. */
    public List<Integer> pids() {
        return processes.stream().map(ProcessInfo::pid).toList();
    }

    /** Host TIDs of every thread of every process, ascending: what set_event_pid and set_ftrace_pid take. */
    public List<Integer> tids() {
        return processes.stream().flatMap(p -> p.tids().stream()).sorted().toList();
    }

    /** The first 12 characters of the id, or null. */
    public String shortId() {
        return id == null ? null : id.substring(0, Math.min(12, id.length()));
    }
}
