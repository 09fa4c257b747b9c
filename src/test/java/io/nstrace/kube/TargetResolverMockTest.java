package io.nstrace.kube;

import io.nstrace.error.NstraceException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TARGETs to containers through the mock API server (CRUD: pods, deployments, nodes as a server stores them). */
class TargetResolverMockTest {
    private static MockCluster cluster;
    private static TargetResolver resolver;

    @BeforeAll
    static void cluster() {
        cluster = new MockCluster();
        cluster.node("node-a");
        cluster.node("node-b");
        cluster.pod("shop", "web-1", "node-a", Map.of("app", "web"), Map.of("nginx", "a1".repeat(32),
                "sidecar", "a2".repeat(32)));
        cluster.pod("shop", "web-2", "node-b", Map.of("app", "web"), Map.of("nginx", "b1".repeat(32)));
        cluster.pod("shop", "db-0", "node-b", Map.of("app", "db"), Map.of("postgres", "b2".repeat(32)));
        cluster.pod("kube-system", "dns-1", "node-a", Map.of("app", "dns"), Map.of("coredns", "a3".repeat(32)));
        cluster.agent("node-a", true);
        cluster.deployment("shop", "web", Map.of("app", "web"));
        cluster.podsOnNode("node-a", null, null);
        cluster.podsOnNode("node-b", "shop", "app=web");
        resolver = new TargetResolver(cluster.api, Manifests.NAMESPACE);
    }

    @AfterAll
    static void close() {
        cluster.close();
    }

    private static List<String> resolve(String ns, String labels, String container, String... targets) {
        return resolver.resolve(new Scope(java.util.Arrays.stream(targets).map(Target::parse).toList(), ns, labels,
                container)).containers().stream().map(c -> c.node() + ":" + c.path() + ":"
                + c.containerId().substring(0, 2)).sorted().toList();
    }

    @Test
    void podByNameAndByPodSlashName() {
        assertEquals(List.of("node-a:shop/web-1/nginx:a1", "node-a:shop/web-1/sidecar:a2"),
                resolve("shop", null, null, "web-1"));
        assertEquals(resolve("shop", null, null, "web-1"), resolve("shop", null, null, "pod/web-1"));
    }

    @Test
    void containerOption() {
        assertEquals(List.of("node-a:shop/web-1/sidecar:a2"), resolve("shop", null, "sidecar", "pod/web-1"));
        NstraceException e = assertThrows(NstraceException.class,
                () -> resolve("shop", null, "nope", "pod/web-1"));
        assertEquals(1, e.exitCode());
        assertEquals("pod shop/web-1 has no container 'nope'; containers: nginx, sidecar", e.getMessage()
                .replace("sidecar, nginx", "nginx, sidecar"));
    }

    @Test
    void deploymentPodsOnTwoNodes() {
        assertEquals(List.of("node-a:shop/web-1/nginx:a1", "node-a:shop/web-1/sidecar:a2",
                "node-b:shop/web-2/nginx:b1"), resolve("shop", null, null, "deploy/web"));
    }

    @Test
    void labelSelectorAloneAndAsAFilter() {
        assertEquals(List.of("node-b:shop/db-0/postgres:b2"), resolve("shop", "app=db", null));
        assertEquals(List.of("node-b:shop/web-2/nginx:b1"), resolve("shop", "app=web", null, "node/node-b"));
    }

    @Test
    void nodeTakesEveryNamespaceButTheAgents() {
        assertEquals(List.of("node-a:kube-system/dns-1/coredns:a3", "node-a:shop/web-1/nginx:a1",
                "node-a:shop/web-1/sidecar:a2"), resolve(null, null, null, "node/node-a"));
    }

    @Test
    void allNamespacesFindsAPodByName() {
        assertEquals(List.of("node-a:kube-system/dns-1/coredns:a3"), resolve(null, null, null, "dns-1"));
    }

    @Test
    void unknownPodListsCandidatesExit1() {
        NstraceException e = assertThrows(NstraceException.class, () -> resolve("shop", null, null, "web-3"));
        assertEquals(1, e.exitCode());
        assertEquals("no pod 'web-3' in namespace shop; pods: shop/web-1, shop/web-2, shop/db-0", e.getMessage());
    }

    @Test
    void unknownDeploymentAndNodeListCandidates() {
        NstraceException d = assertThrows(NstraceException.class, () -> resolve("shop", null, null, "deploy/api"));
        assertEquals("no deployment 'api' in namespace shop; deployments: shop/web", d.getMessage());
        NstraceException n = assertThrows(NstraceException.class, () -> resolve("shop", null, null, "node/node-c"));
        assertEquals(1, n.exitCode());
        assertEquals("no node 'node-c'; nodes: node-a, node-b", n.getMessage());
    }

    @Test
    void badTargetIsAUsageError() {
        NstraceException e = assertThrows(NstraceException.class, () -> Target.parse("svc/web"));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().startsWith("unknown target type 'svc' in 'svc/web'"), e.getMessage());
    }
}
