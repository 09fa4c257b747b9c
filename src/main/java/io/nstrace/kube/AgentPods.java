package io.nstrace.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The node agents: the DaemonSet's pods in the agent namespace, by node. */
public final class AgentPods {
    /** The label every agent pod carries (the DaemonSet's selector). */
    public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
    public static final String NAME_LABEL = "app.kubernetes.io/name";
    /** The agent pod's container. */
    public static final String CONTAINER = "agent";

    /** One agent pod: {@code ready} when its Ready condition is True. */
    public record Agent(String node, String namespace, String pod, boolean ready, String phase) {
    }

    private final Map<String, Agent> byNode;

    private AgentPods(Map<String, Agent> byNode) {
        this.byNode = byNode;
    }

    public static AgentPods find(KubeApi api, String namespace) {
        List<Pod> pods = api.call("list", "pods", namespace, () -> api.client().pods().inNamespace(namespace)
                .withLabel(NAME_LABEL, "nstrace").withLabel(COMPONENT_LABEL, "agent").list().getItems());
        Map<String, Agent> byNode = new HashMap<>();
        for (Pod p : pods) {
            String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
            if (node == null || p.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            Agent a = new Agent(node, namespace, p.getMetadata().getName(), ready(p),
                    p.getStatus() == null ? "Unknown" : p.getStatus().getPhase());
            byNode.merge(node, a, (old, neu) -> old.ready() ? old : neu); // a rolling update: the ready one
        }
        return new AgentPods(byNode);
    }

    private static boolean ready(Pod p) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : p.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    public Optional<Agent> on(String node) {
        return Optional.ofNullable(byNode.get(node));
    }

    public List<Agent> all() {
        return byNode.values().stream().sorted(java.util.Comparator.comparing(Agent::node)).toList();
    }
}
