package io.nstrace.discovery;

import java.util.List;

/**
 * One discovery pass: every container, and the host's own namespace (not a container, shown by {@code ps --all}).
 *
 * @param containers every non-host PID namespace with at least one process, ordered by level then name
 * @param host       the host's namespace as a pseudo-container (runtime "host")
 * @param skipped    processes that vanished or could not be read during the scan
 * @param detailed   true when every process was read in full; false after
 *                   {@link ContainerDiscovery#scanNamespaces()}, where only each container's init process is
 *                   complete and the others carry just their PID and namespace (empty nspid, comm and cmdline):
 *                   {@link ContainerDiscovery#detailed(Container)} reads the rest of one container
 */
public record Snapshot(List<Container> containers, Container host, int skipped, boolean detailed) {
    public Snapshot {
        containers = List.copyOf(containers);
    }

    /** A fully detailed snapshot. */
    public Snapshot(List<Container> containers, Container host, int skipped) {
        this(containers, host, skipped, true);
    }
}
