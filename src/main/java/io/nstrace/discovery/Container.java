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

    /** The same container with other processes (discovery's detailed pass). */
    public Container withProcesses(List<ProcessInfo> processes) {
        return toBuilder().processes(processes).build();
    }

    /** A builder holding every field of this container, to change some of them. */
    public Builder toBuilder() {
        return new Builder(name, pidnsInode).runtime(runtime).id(id).pidnsId(pidnsId)
                .parentPidnsInode(parentPidnsInode).level(level).initPid(initPid).processes(processes).image(image)
                .pod(pod).k8sNamespace(k8sNamespace).hostname(hostname);
    }

    /** A container named {@code name} in PID namespace {@code pidnsInode}: runtime "none", level 1, the rest unset. */
    public static Builder builder(String name, long pidnsInode) {
        return new Builder(name, pidnsInode);
    }

    /** Builds a {@link Container} by field name instead of 13 positions. */
    public static final class Builder {
        private String name;
        private String runtime = "none";
        private String id;
        private long pidnsInode;
        private Long pidnsId;
        private long parentPidnsInode;
        private int level = 1;
        private int initPid;
        private List<ProcessInfo> processes = List.of();
        private String image;
        private String pod;
        private String k8sNamespace;
        private String hostname;

        private Builder(String name, long pidnsInode) {
            this.name = name;
            this.pidnsInode = pidnsInode;
        }

        public Builder name(String v) {
            name = v;
            return this;
        }

        public Builder runtime(String v) {
            runtime = v;
            return this;
        }

        public Builder id(String v) {
            id = v;
            return this;
        }

        public Builder pidnsInode(long v) {
            pidnsInode = v;
            return this;
        }

        public Builder pidnsId(Long v) {
            pidnsId = v;
            return this;
        }

        public Builder parentPidnsInode(long v) {
            parentPidnsInode = v;
            return this;
        }

        public Builder level(int v) {
            level = v;
            return this;
        }

        public Builder initPid(int v) {
            initPid = v;
            return this;
        }

        public Builder processes(List<ProcessInfo> v) {
            processes = v;
            return this;
        }

        public Builder image(String v) {
            image = v;
            return this;
        }

        public Builder pod(String v) {
            pod = v;
            return this;
        }

        public Builder k8sNamespace(String v) {
            k8sNamespace = v;
            return this;
        }

        public Builder hostname(String v) {
            hostname = v;
            return this;
        }

        /** Clears what only a runtime knows (id, image, pod, Kubernetes namespace, hostname). */
        public Builder withoutRuntimeDetails() {
            id = null;
            image = null;
            pod = null;
            k8sNamespace = null;
            hostname = null;
            return this;
        }

        public Container build() {
            return new Container(name, runtime, id, pidnsInode, pidnsId, parentPidnsInode, level, initPid, processes,
                    image, pod, k8sNamespace, hostname);
        }
    }
}
