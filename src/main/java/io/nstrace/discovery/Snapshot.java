package io.nstrace.discovery;

import java.util.List;

/**
 * One discovery pass: every container, and the host's own namespace (not a container, shown by {@code ps --all}).
 *
 * @param containers every non-host PID namespace with at least one process, ordered by level then name
 * @param host       the host's namespace as a pseudo-container (runtime "host")
 * @param skipped    processes that vanished or could not be read during the scan
 */
public record Snapshot(List<Container> containers, Container host, int skipped) {
    public Snapshot {
        containers = List.copyOf(containers);
    }
}
