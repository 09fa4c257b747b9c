package io.nstrace.kube;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * TARGETs to running containers through the API server: a pod by name, a deployment's pods (its selector), every
 * pod on a node (field selector spec.nodeName), pods matching {@code -l}; then each pod's containers from
 * status.containerStatuses (ids, restart counts) and spec.nodeName. An unknown pod, deployment or node is a user
 * error (exit 1) listing the candidates; a pod or container that is not running is skipped with a note.
 */
public final class TargetResolver {
    private static final int MAX_CANDIDATES = 12;

    private final KubeApi api;
    private final String agentNamespace;

    public TargetResolver(KubeApi api, String agentNamespace) {
        this.api = api;
        this.agentNamespace = agentNamespace;
    }

    /** The containers to trace, and why some asked for were left out. */
    public record Resolution(List<PodContainer> containers, List<String> notes) {
    }

    public Resolution resolve(Scope scope) {
        Map<String, Pod> pods = new LinkedHashMap<>(); // by uid: a pod named twice is traced once
        for (Target t : scope.targets()) {
            for (Pod p : pods(t, scope)) {
                pods.putIfAbsent(p.getMetadata().getUid(), p);
            }
        }
        if (scope.targets().isEmpty()) {
            if (scope.labelSelector() == null) {
                throw new NstraceException(ExitCodes.USAGE, "nothing to trace: give a TARGET or -l SELECTOR");
            }
            for (Pod p : list(scope.namespace(), scope.labelSelector(), null)) {
                pods.putIfAbsent(p.getMetadata().getUid(), p);
            }
            if (pods.isEmpty()) {
                throw NstraceException.user("no pod matches -l '" + scope.labelSelector() + "' "
                        + where(scope.namespace()));
            }
        }
        List<PodContainer> out = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Pod p : pods.values()) {
            containers(p, scope.container(), out, notes);
        }
        return new Resolution(List.copyOf(out), List.copyOf(notes));
    }

    private List<Pod> pods(Target t, Scope scope) {
        return switch (t.kind()) {
            case POD -> {
                Pod p = pod(t.name(), scope);
                yield p == null ? List.of() : List.of(p);
            }
            case DEPLOYMENT -> deploymentPods(t.name(), scope);
            case NODE -> nodePods(t.name(), scope);
        };
    }

    private Pod pod(String name, Scope scope) {
        if (scope.allNamespaces()) {
            List<Pod> hits = api.call("list", "pods", null, () -> api.client().pods().inAnyNamespace()
                    .withField("metadata.name", name).list().getItems());
            if (hits.size() == 1) {
                return labelled(hits.getFirst(), scope) ? hits.getFirst() : null;
            }
            if (hits.size() > 1) {
                throw NstraceException.user("pod '" + name + "' is ambiguous: it is in namespaces "
                        + String.join(", ", hits.stream().map(p -> p.getMetadata().getNamespace()).toList())
                        + "; give -n NAMESPACE");
            }
            throw NstraceException.user("no pod '" + name + "' in any namespace; pods: "
                    + candidates(name, list(null, null, null)));
        }
        String ns = scope.namespace();
        Pod p = api.call("get", "pods", ns, () -> api.client().pods().inNamespace(ns).withName(name).get());
        if (p == null) {
            throw NstraceException.user("no pod '" + name + "' in namespace " + ns + "; pods: "
                    + candidates(name, list(ns, null, null)));
        }
        return labelled(p, scope) ? p : null;
    }

    private List<Pod> deploymentPods(String name, Scope scope) {
        String ns = scope.allNamespaces() ? deploymentNamespace(name) : scope.namespace();
        Deployment d = api.call("get", "deployments.apps", ns,
                () -> api.client().apps().deployments().inNamespace(ns).withName(name).get());
        if (d == null) {
            List<Deployment> all = api.call("list", "deployments.apps", ns,
                    () -> api.client().apps().deployments().inNamespace(ns).list().getItems());
            throw NstraceException.user("no deployment '" + name + "' in namespace " + ns + "; deployments: "
                    + candidates(name, all));
        }
        List<Pod> pods = api.call("list", "pods", ns, () -> api.client().pods().inNamespace(ns)
                .withLabelSelector(d.getSpec().getSelector()).list().getItems());
        return pods.stream().filter(p -> labelled(p, scope)).toList();
    }

    /** With -A: the one namespace holding a deployment {@code name} (else the context's, for the error). */
    private String deploymentNamespace(String name) {
        List<Deployment> hits = api.call("list", "deployments.apps", null, () -> api.client().apps().deployments()
                .inAnyNamespace().withField("metadata.name", name).list().getItems());
        if (hits.size() > 1) {
            throw NstraceException.user("deployment '" + name + "' is ambiguous: it is in namespaces "
                    + String.join(", ", hits.stream().map(d -> d.getMetadata().getNamespace()).toList())
                    + "; give -n NAMESPACE");
        }
        return hits.isEmpty() ? api.defaultNamespace() : hits.getFirst().getMetadata().getNamespace();
    }

    private List<Pod> nodePods(String name, Scope scope) {
        Node n = api.call("get", "nodes", null, () -> api.client().nodes().withName(name).get());
        if (n == null) {
            List<Node> all = api.call("list", "nodes", null, () -> api.client().nodes().list().getItems());
            throw NstraceException.user("no node '" + name + "'; nodes: " + candidates(name, all));
        }
        // every namespace unless -n was given; the agents themselves are not traced
        return list(scope.namespace(), scope.labelSelector(), name).stream()
                .filter(p -> !agentNamespace.equals(p.getMetadata().getNamespace())).toList();
    }

    private boolean labelled(Pod p, Scope scope) {
        if (scope.labelSelector() == null) {
            return true;
        }
        String ns = p.getMetadata().getNamespace();
        List<Pod> match = list(ns, scope.labelSelector(), null);
        return match.stream().anyMatch(m -> Objects.equals(m.getMetadata().getUid(), p.getMetadata().getUid()));
    }

    /** Pods in {@code ns} (null: all), with a label selector and a node when not null. */
    List<Pod> list(String ns, String labels, String node) {
        return api.call("list", "pods", ns, () -> {
            FilterWatchListDeletable<Pod, PodList, PodResource> q = ns == null
                    ? api.client().pods().inAnyNamespace() : api.client().pods().inNamespace(ns);
            if (labels != null) {
                q = q.withLabelSelector(labels);
            }
            if (node != null) {
                q = q.withField("spec.nodeName", node);
            }
            return q.list().getItems();
        });
    }

    private static void containers(Pod p, String only, List<PodContainer> out, List<String> notes) {
        String ns = p.getMetadata().getNamespace();
        String name = p.getMetadata().getName();
        String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
        if (node == null) {
            notes.add("pod " + ns + "/" + name + " is not scheduled on a node yet: skipped");
            return;
        }
        List<ContainerStatus> statuses = p.getStatus() == null || p.getStatus().getContainerStatuses() == null
                ? List.of() : p.getStatus().getContainerStatuses();
        if (only != null && statuses.stream().noneMatch(s -> s.getName().equals(only))) {
            throw NstraceException.user("pod " + ns + "/" + name + " has no container '" + only + "'; containers: "
                    + String.join(", ", p.getSpec().getContainers().stream().map(c -> c.getName()).toList()));
        }
        for (ContainerStatus s : statuses) {
            if (only != null && !s.getName().equals(only)) {
                continue;
            }
            String id = s.getContainerID();
            boolean running = s.getState() != null && s.getState().getRunning() != null;
            if (id == null || id.isEmpty() || !running) {
                String why = s.getState() != null && s.getState().getWaiting() != null
                        ? " (waiting: " + s.getState().getWaiting().getReason() + ")" : "";
                notes.add("container " + ns + "/" + name + "/" + s.getName() + " is not running" + why + ": skipped");
                continue;
            }
            int sep = id.indexOf("://");
            out.add(new PodContainer(node, ns, name, s.getName(), sep < 0 ? id : id.substring(sep + 3),
                    sep < 0 ? null : id.substring(0, sep), p.getMetadata().getUid(),
                    s.getRestartCount() == null ? 0 : s.getRestartCount()));
        }
    }

    private static String where(String ns) {
        return ns == null ? "in any namespace" : "in namespace " + ns;
    }

    /** The names of {@code all}, those sharing most with {@code name} first, at most a dozen. */
    static String candidates(String name, List<? extends HasMetadata> all) {
        if (all.isEmpty()) {
            return "(none)";
        }
        List<String> names = all.stream().map(h -> h.getMetadata().getNamespace() == null
                        ? h.getMetadata().getName() : h.getMetadata().getNamespace() + "/" + h.getMetadata().getName())
                .sorted(Comparator.comparingInt((String n) -> -common(name, n)).thenComparing(n -> n)).toList();
        String shown = String.join(", ", names.subList(0, Math.min(MAX_CANDIDATES, names.size())));
        return names.size() > MAX_CANDIDATES ? shown + " (and " + (names.size() - MAX_CANDIDATES) + " more)" : shown;
    }

    /** Length of the longest common prefix of {@code a} and the name part of {@code b}. */
    private static int common(String a, String b) {
        String n = b.substring(b.indexOf('/') + 1);
        int i = 0;
        while (i < a.length() && i < n.length() && a.charAt(i) == n.charAt(i)) {
            i++;
        }
        return i;
    }
}
