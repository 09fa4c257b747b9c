package io.nstrace.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** {@code nstrace kube install}/{@code uninstall}: the manifests applied to, or removed from, the cluster. */
public final class Installer {
    private final KubeApi api;

    public Installer(KubeApi api) {
        this.api = api;
    }

    /** Creates each item, or updates it where it exists; tells {@code done} each one's name. */
    public void install(Manifests m, Consumer<String> done) {
        for (HasMetadata h : m.items()) {
            api.call("create", plural(h), h.getMetadata().getNamespace(),
                    () -> api.client().resource(h).createOr(NonDeletingOperation::update));
            done.accept(Manifests.name(h));
        }
    }

    /**
     * Removes every nstrace instance on every node (nstrace reset --all in each ready agent pod, reported per node
     * through {@code progress}), then the manifests' items, last first. Returns the nodes whose reset failed.
     */
    public List<String> uninstall(Manifests m, Consumer<String> progress) {
        List<String> failed = new ArrayList<>();
        AgentPods agents;
        try {
            agents = AgentPods.find(api, Manifests.NAMESPACE);
        } catch (io.nstrace.error.NstraceException e) {
            agents = null;
            progress.accept("cannot list the agent pods (" + e.getMessage() + "): no reset on the nodes");
        }
        if (agents != null) {
            for (AgentPods.Agent a : agents.all()) {
                String r = reset(a);
                progress.accept("node " + a.node() + ": " + (r == null ? "instances removed" : r));
                if (r != null) {
                    failed.add(a.node());
                }
            }
        }
        List<HasMetadata> items = new ArrayList<>(m.items());
        java.util.Collections.reverse(items);
        for (HasMetadata h : items) {
            api.call("delete", plural(h), h.getMetadata().getNamespace(), () -> api.client().resource(h).delete());
            progress.accept("deleted " + Manifests.name(h));
        }
        return failed;
    }

    /** nstrace reset --all in agent {@code a}: null when it succeeded, else why not. */
    private String reset(AgentPods.Agent a) {
        if (!a.ready()) {
            return "agent pod " + a.pod() + " is not ready: instances not reset";
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (var w = api.client().pods().inNamespace(a.namespace()).withName(a.pod())
                .inContainer(AgentPods.CONTAINER).withReadyWaitTimeout(0).writingOutput(new ByteArrayOutputStream())
                .writingError(err).exec(RemoteCommand.resetAll().toArray(String[]::new))) {
            int code = w.exitCode().get(60, TimeUnit.SECONDS);
            return code == 0 ? null : "nstrace reset exited " + code + ": "
                    + err.toString(StandardCharsets.UTF_8).strip();
        } catch (KubernetesClientException e) {
            return api.failure(e, "create", "pods/exec", a.namespace()).getMessage();
        } catch (Exception e) {
            return "nstrace reset failed: " + KubeApi.rootMessage(e);
        }
    }

    private static String plural(HasMetadata h) {
        String k = h.getKind().toLowerCase(java.util.Locale.ROOT);
        String p = k.endsWith("s") ? k + "es" : k + "s";
        return h.getApiVersion().contains("/") ? p + "." + h.getApiVersion().substring(0, h.getApiVersion()
                .indexOf('/')) : p;
    }
}
