package io.nstrace.kube;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.WebSocketMessage;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock API server in CRUD mode (nodes, pods, deployments, the agent pods stored and queried as a real
 * server would, label and field selectors included) plus expectations for what CRUD cannot do: the exec
 * subresource (a WebSocket emitting trace.dat bytes on the stdout channel, then an exit status) and refusals.
 */
final class MockCluster implements AutoCloseable {
    static final String EXEC_SUFFIX = "&container=agent&stdin=true&stdout=true&stderr=true";

    final KubernetesMockServer server;
    final KubernetesClient client;
    final KubeApi api;

    MockCluster() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
        client = server.createClient();
        api = new KubeApi(client);
    }

    void node(String name) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    /** The DaemonSet's pod on {@code node}, Ready or not. */
    String agent(String node, boolean ready) {
        String name = "nstrace-agent-" + node;
        client.pods().inNamespace(Manifests.NAMESPACE).resource(new PodBuilder().withNewMetadata().withName(name)
                .withNamespace(Manifests.NAMESPACE).addToLabels(AgentPods.NAME_LABEL, "nstrace")
                .addToLabels(AgentPods.COMPONENT_LABEL, "agent").withUid("uid-" + name).endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName(AgentPods.CONTAINER).endContainer()
                .endSpec().withNewStatus().withPhase(ready ? "Running" : "Pending").addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").endCondition().endStatus().build()).create();
        return name;
    }

    /** A running pod with containers {@code name -> container id} (containerd ids). */
    Pod pod(String ns, String name, String node, Map<String, String> labels, Map<String, String> containers) {
        List<ContainerStatus> statuses = new ArrayList<>();
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels)
                .withUid("uid-" + ns + "-" + name).endMetadata().withNewSpec().withNodeName(node).endSpec();
        containers.forEach((c, id) -> {
            b.editSpec().addNewContainer().withName(c).endContainer().endSpec();
            statuses.add(new ContainerStatusBuilder().withName(c).withContainerID("containerd://" + id)
                    .withRestartCount(0).withNewState().withNewRunning().endRunning().endState().build());
        });
        Pod p = b.withNewStatus().withPhase("Running").withContainerStatuses(statuses).endStatus().build();
        return client.pods().inNamespace(ns).resource(p).create();
    }

    /**
     * The mock's CRUD store answers field selectors on metadata.name only; a real API server also selects pods by
     * spec.nodeName. This answers {@code node}'s pod list (in {@code ns}, null for all, with {@code labels} as
     * one key=value or null) from what the store holds now, as the API server would.
     */
    void podsOnNode(String node, String ns, String labels) {
        io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<Pod, io.fabric8.kubernetes.api.model.PodList,
                io.fabric8.kubernetes.client.dsl.PodResource> q = ns == null ? client.pods().inAnyNamespace()
                : client.pods().inNamespace(ns);
        if (labels != null) {
            q = q.withLabelSelector(labels);
        }
        List<Pod> items = q.list().getItems().stream().filter(p -> node.equals(p.getSpec().getNodeName())).toList();
        String path = (ns == null ? "/api/v1/pods" : "/api/v1/namespaces/" + ns + "/pods")
                + "?fieldSelector=spec.nodeName%3D" + node
                + (labels == null ? "" : "&labelSelector=" + URLEncoder.encode(labels, StandardCharsets.UTF_8));
        server.expect().get().withPath(path).andReturn(200, new io.fabric8.kubernetes.api.model.PodListBuilder()
                .withNewMetadata().endMetadata().withItems(items).build()).always();
    }

    void deployment(String ns, String name, Map<String, String> matchLabels) {
        client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata().withName(name)
                .withNamespace(ns).endMetadata().withNewSpec().withNewSelector().withMatchLabels(matchLabels)
                .endSelector().endSpec().build()).create();
    }

    /** The exec request path fabric8 sends for {@code command} in agent pod {@code pod}. */
    static String execPath(String pod, List<String> command) {
        StringBuilder b = new StringBuilder("/api/v1/namespaces/" + Manifests.NAMESPACE + "/pods/" + pod + "/exec?");
        for (int i = 0; i < command.size(); i++) {
            b.append(i == 0 ? "" : "&").append("command=").append(URLEncoder.encode(command.get(i),
                    StandardCharsets.UTF_8));
        }
        return b.append(EXEC_SUFFIX).toString();
    }

    /**
     * An exec of exactly {@code command} in {@code pod}: {@code trace} on stdout right away (in 32 KiB frames),
     * {@code stderr} lines, and exit status {@code exit} after {@code exitAfterMs}.
     */
    void exec(String pod, List<String> command, byte[] trace, String stderr, int exit, long exitAfterMs) {
        execAt(execPath(pod, command), trace, stderr, exit, exitAfterMs);
    }

    /** {@link #exec} at a given request path (an exec without stdin has no {@code stdin=true}). */
    void execAt(String path, byte[] trace, String stderr, int exit, long exitAfterMs) {
        execAt(path, trace, 32 * 1024, stderr, exit, exitAfterMs);
    }

    /** {@link #execAt} with stdout in frames of {@code frameSize} bytes. */
    void execAt(String path, byte[] trace, int frameSize, String stderr, int exit, long exitAfterMs) {
        var s = server.expect().get().withPath(path).andUpgradeToWebSocket().open();
        for (byte[] frame : frames(1, trace, frameSize)) {
            s = s.immediately().andEmit(new WebSocketMessage(frame));
        }
        if (stderr != null) {
            s = s.immediately().andEmit(new WebSocketMessage(frame(2, stderr.getBytes(StandardCharsets.UTF_8))));
        }
        s.waitFor(exitAfterMs).andEmit(exit == 0 ? new StatusStreamMessage(0) : new WebSocketMessage(frame(3,
                ("{\"metadata\":{},\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":"
                        + "[{\"reason\":\"ExitCode\",\"message\":\"" + exit + "\"}]}}").getBytes(StandardCharsets.UTF_8))))
                .done().once();
    }

    /** The stdin frame of the client's stop line, as the mock server receives it: channel 0, then "stop\n". */
    static final String STOP_FRAME = new String(frame(0, "stop\n".getBytes(StandardCharsets.US_ASCII)),
            StandardCharsets.UTF_8);

    /**
     * An exec of exactly {@code command} in {@code pod} that behaves as {@code nstrace record --stop-on-stdin}
     * without -d: {@code before} on stdout at once, then the stream stays open until the stdin frame of the stop
     * line arrives, to which it answers with {@code after} on stdout and then exit status 0. Any other stdin frame
     * makes the mock close the stream with 1002 "Unexpected message" (fabric8's WebSocketSession), so
     * {@code after} in the file proves the exact stop line arrived.
     */
    void execUntilStop(String pod, List<String> command, byte[] before, byte[] after) {
        var s = server.expect().get().withPath(execPath(pod, command)).andUpgradeToWebSocket().open();
        for (byte[] f : frames(1, before, 32 * 1024)) {
            s = s.immediately().andEmit(new WebSocketMessage(f));
        }
        byte[] afterFrame = frame(1, after);
        // the mock matches a binary frame by its bytes decoded as UTF-8, what it sent likewise
        s = s.expect(STOP_FRAME).andEmit(new WebSocketMessage(afterFrame)).once();
        s.expectSentWebSocketMessage(new String(afterFrame, StandardCharsets.UTF_8))
                .andEmit(new StatusStreamMessage(0)).once().done().once();
    }

    /** {@code GET path} answered 403 with the API server's Status. */
    void forbid(String path, String message) {
        server.expect().get().withPath(path).andReturn(403, new StatusBuilder().withStatus("Failure")
                .withReason("Forbidden").withCode(403).withMessage(message).build()).always();
    }

    static List<byte[]> frames(int channel, byte[] data, int frameSize) {
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < data.length; off += frameSize) {
            out.add(frame(channel, Arrays.copyOfRange(data, off, Math.min(data.length, off + frameSize))));
        }
        return out;
    }

    static byte[] frame(int channel, byte[] data) {
        byte[] f = new byte[data.length + 1];
        f[0] = (byte) channel;
        System.arraycopy(data, 0, f, 1, data.length);
        return f;
    }

    /** Every request path the server saw so far, in order. */
    List<String> paths() throws InterruptedException {
        List<String> out = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            out.add(r.getPath());
        }
        return out;
    }

    /** A kubeconfig naming this server (plain http, no credentials), for the command line. */
    Path kubeconfig(Path dir) throws IOException {
        String url = client.getMasterUrl().toString();
        Path f = dir.resolve("kubeconfig");
        Files.writeString(f, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                contexts:
                - name: mock
                  context:
                    cluster: mock
                    user: nobody
                    namespace: shop
                current-context: mock
                users:
                - name: nobody
                  user: {}
                """.formatted(url));
        return f;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
