package io.nstrace.kube;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * After a recording: the traced pods looked up again, and whatever moved under the trace said in one line each:
 * a pod deleted or replaced (another uid), moved to another node, a container restarted (another id or restart
 * count). The trace then holds only the first container's events.
 */
public final class PodChanges {
    private PodChanges() {
    }

    public static List<String> check(KubeApi api, List<PodContainer> traced) {
        List<String> out = new ArrayList<>();
        Set<String> podsSeen = new LinkedHashSet<>();
        for (PodContainer c : traced) {
            String key = c.namespace() + "/" + c.pod();
            Pod now = api.call("get", "pods", c.namespace(),
                    () -> api.client().pods().inNamespace(c.namespace()).withName(c.pod()).get());
            if (now == null) {
                if (podsSeen.add(key)) {
                    out.add("pod " + key + " was deleted during the trace");
                }
                continue;
            }
            if (!Objects.equals(now.getMetadata().getUid(), c.podUid())) {
                if (podsSeen.add(key)) {
                    out.add("pod " + key + " was replaced during the trace (now on node "
                            + now.getSpec().getNodeName() + "): the trace holds the old pod's events only");
                }
                continue;
            }
            if (now.getSpec() != null && !Objects.equals(now.getSpec().getNodeName(), c.node())) {
                if (podsSeen.add(key)) {
                    out.add("pod " + key + " moved from node " + c.node() + " to " + now.getSpec().getNodeName());
                }
                continue;
            }
            ContainerStatus s = now.getStatus() == null || now.getStatus().getContainerStatuses() == null ? null
                    : now.getStatus().getContainerStatuses().stream().filter(x -> x.getName().equals(c.container()))
                    .findFirst().orElse(null);
            int restarts = s == null || s.getRestartCount() == null ? c.restarts() : s.getRestartCount();
            String id = s == null || s.getContainerID() == null ? "" : s.getContainerID();
            if (restarts != c.restarts() || !id.isEmpty() && !id.endsWith(c.containerId())) {
                out.add("container " + c.path() + " restarted during the trace (restarts " + c.restarts() + " -> "
                        + restarts + "): the trace holds the first container's events only");
            }
        }
        return out;
    }
}
