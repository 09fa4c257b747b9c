package io.nstrace.kube;

import java.nio.file.Path;
import java.util.List;

/**
 * What one node's recording came to.
 *
 * @param file     its trace.dat (null when nothing was written)
 * @param bytes    bytes written to it
 * @param failure  why the node has no (complete) trace, one line; null when it has
 * @param messages the remote nstrace's stderr lines (its per-container counts, or its error)
 * @param stopped  the client stopped this recording before its end ({@link ClusterRecorder#stop}, Ctrl-C): its
 *                 trace ends at the stop
 */
public record NodeResult(String node, String agentPod, List<PodContainer> containers, Path file, long bytes,
                         String failure, List<String> messages, boolean stopped) {
    public boolean ok() {
        return failure == null;
    }
}
