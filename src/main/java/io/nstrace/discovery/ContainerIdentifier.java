package io.nstrace.discovery;

import java.nio.file.Path;

/**
 * Names one namespace: the init process's cgroup path says which runtime and id (or name), the runtime's records
 * give the name, image and pod; a namespace no runtime claims is runtime {@code none}, named from its UTS hostname
 * when it has its own UTS namespace, else {@code <comm>-<init pid>}. One instance serves one scan.
 */
final class ContainerIdentifier {
    private final ProcFs proc;
    private final RuntimeRecords records;

    ContainerIdentifier(ProcFs proc, RuntimeRoots roots) {
        this.proc = proc;
        this.records = new RuntimeRecords(roots);
    }

    /** Identity of a container before its name is made unique. */
    record Identity(String name, String runtime, String id, String image, String pod, String k8sNamespace) {
    }

    /**
     * @param init     the namespace's init process
     * @param cgroup   the text of its /proc/PID/cgroup, or null when unreadable
     * @param hostname its UTS hostname when it has a UTS namespace of its own, else null
     */
    Identity identify(ProcessInfo init, String cgroup, String hostname) {
        String fallback = hostname != null && !hostname.isEmpty() ? hostname : init.comm() + "-" + init.pid();
        CgroupIdentity who = cgroup == null ? null : CgroupIdentity.ofFile(cgroup);
        if (who == null) {
            String machine = records.machine(null, init.pid());
            return machine != null ? new Identity(machine, "nspawn", null, null, null, null)
                    : new Identity(fallback, "none", null, null, null, null);
        }
        if (who.runtime().equals("nspawn")) {
            String machine = records.machine(who.name(), init.pid());
            return new Identity(machine != null ? machine : who.name(), "nspawn", null, null, null, null);
        }
        RuntimeRecords.Info info = records.lookup(who);
        String name = info != null && info.name() != null ? info.name()
                : who.name() != null ? who.name()
                : who.id() != null ? who.runtime() + "-" + shortId(who.id()) : fallback;
        return new Identity(name, who.runtime(), who.id(), info == null ? null : info.image(),
                info == null || info.pod() == null ? null : info.pod(),
                info == null ? null : info.k8sNamespace());
    }

    static String shortId(String id) {
        return id.length() <= 12 ? id : id.substring(0, 12);
    }

    /** The UTS namespace link of a process, for {@link io.nstrace.sys.UtsNamespace}. */
    Path utsLink(int pid) {
        return proc.pidDir(pid).resolve("ns").resolve("uts");
    }
}
