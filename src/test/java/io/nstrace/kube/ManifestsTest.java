package io.nstrace.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's manifests validated offline (no API server here): parsed into fabric8's model classes, which fail
 * on an unknown kind or a field of the wrong type, then checked for what the agent needs and nothing more.
 */
class ManifestsTest {
    private static final Path SOURCE = Path.of("src/main/kubernetes/nstrace.yaml");

    @Test
    void theJarsCopyIsTheSourceFile() throws Exception {
        try (InputStream in = Manifests.class.getResourceAsStream(Manifests.RESOURCE)) {
            assertEquals(Files.readString(SOURCE), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void kindsInApplyOrder() {
        Manifests m = Manifests.load(null);
        assertEquals(List.of("Namespace/nstrace", "ServiceAccount/nstrace/nstrace-agent", "ClusterRole/nstrace-client",
                "Role/nstrace/nstrace-tracer", "DaemonSet/nstrace/nstrace-agent"), m.names());
        assertInstanceOf(Namespace.class, m.items().get(0));
        assertInstanceOf(ServiceAccount.class, m.items().get(1));
        assertInstanceOf(ClusterRole.class, m.items().get(2));
        assertInstanceOf(Role.class, m.items().get(3));
        assertFalse(((ServiceAccount) m.items().get(1)).getAutomountServiceAccountToken());
    }

    @Test
    void daemonSetHasHostPidTheMountsAndOnlySysPtrace() {
        DaemonSet ds = Manifests.load(null).daemonSet();
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        assertTrue(pod.getHostPID());
        assertFalse(pod.getAutomountServiceAccountToken());
        assertNull(pod.getHostNetwork());
        assertEquals(ds.getSpec().getSelector().getMatchLabels(), ds.getSpec().getTemplate().getMetadata().getLabels());
        assertEquals(Map.of(AgentPods.NAME_LABEL, "nstrace", AgentPods.COMPONENT_LABEL, "agent"),
                ds.getSpec().getSelector().getMatchLabels());
        Container c = pod.getContainers().getFirst();
        assertEquals(AgentPods.CONTAINER, c.getName());
        assertEquals(List.of("kube", "agent"), c.getArgs());
        assertNull(c.getSecurityContext().getPrivileged());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        assertEquals(List.of("SYS_PTRACE"), c.getSecurityContext().getCapabilities().getAdd());
        assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
        assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
        Map<String, String> hostPaths = pod.getVolumes().stream().filter(v -> v.getHostPath() != null)
                .collect(Collectors.toMap(Volume::getName, v -> v.getHostPath().getPath()));
        Map<String, VolumeMount> mounts = c.getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getName, v -> v));
        assertEquals("/sys/kernel/tracing", hostPaths.get("tracefs"));
        assertEquals("/sys/kernel/tracing", mounts.get("tracefs").getMountPath());
        assertEquals("/run/nstrace", mounts.get("state").getMountPath());
        assertEquals("/var/tmp/nstrace", mounts.get("spool").getMountPath());
        for (String runtime : List.of("containerd", "crio", "containers-storage", "docker")) {
            assertTrue(mounts.get(runtime).getReadOnly(), runtime);
            assertEquals(hostPaths.get(runtime), mounts.get(runtime).getMountPath(), runtime);
        }
        // every mount has its volume, every volume is mounted
        assertEquals(pod.getVolumes().stream().map(Volume::getName).sorted().toList(),
                c.getVolumeMounts().stream().map(VolumeMount::getName).sorted().toList());
    }

    @Test
    void imageIsSetAndTheYamlParsesBackTheSame() {
        Manifests m = Manifests.load("registry.example/nstrace:0.1.0");
        assertEquals("registry.example/nstrace:0.1.0",
                m.daemonSet().getSpec().getTemplate().getSpec().getContainers().getFirst().getImage());
        Manifests again = Manifests.parse(new ByteArrayInputStream(m.yaml().getBytes(StandardCharsets.UTF_8)), null);
        assertEquals(m.items(), again.items());
        assertEquals("nstrace:0.1.0", Manifests.load(null).daemonSet().getSpec().getTemplate().getSpec()
                .getContainers().getFirst().getImage());
    }

    @Test
    void rolesGrantWhatTheClientCalls() {
        Manifests m = Manifests.load(null);
        ClusterRole client = (ClusterRole) m.items().get(2);
        Role tracer = (Role) m.items().get(3);
        assertTrue(client.getRules().stream().anyMatch(r -> r.getApiGroups().equals(List.of(""))
                && r.getResources().containsAll(List.of("pods", "nodes")) && r.getVerbs().equals(List.of("get", "list"))),
                client.getRules().toString());
        assertTrue(client.getRules().stream().anyMatch(r -> r.getApiGroups().equals(List.of("apps"))
                && r.getResources().equals(List.of("deployments")) && r.getVerbs().equals(List.of("get", "list"))),
                client.getRules().toString());
        assertTrue(tracer.getRules().stream().anyMatch(r -> r.getResources().equals(List.of("pods/exec"))
                && r.getVerbs().contains("create")), tracer.getRules().toString());
        assertEquals(Manifests.NAMESPACE, tracer.getMetadata().getNamespace());
    }

    @Test
    void aBadManifestFailsToParse() {
        String bad = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n"
                + "      hostPID: [not, a, boolean]\n";
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> Manifests.parse(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8)), null));
    }
}
