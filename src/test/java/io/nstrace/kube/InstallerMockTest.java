package io.nstrace.kube;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** install and uninstall against the mock API server (CRUD), uninstall's reset exec'd in each agent pod. */
class InstallerMockTest {
    private MockCluster cluster;

    @BeforeEach
    void cluster() {
        cluster = new MockCluster();
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void installTwiceThenUninstallResetsEveryNodeAndRemovesAll() throws Exception {
        Installer installer = new Installer(cluster.api);
        List<String> applied = new ArrayList<>();
        installer.install(Manifests.load("nstrace:test"), applied::add);
        installer.install(Manifests.load("nstrace:test2"), applied::add); // again: updated in place
        assertEquals(10, applied.size());
        DaemonSet ds = cluster.client.apps().daemonSets().inNamespace("nstrace").withName("nstrace-agent").get();
        assertEquals("nstrace:test2", ds.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage());
        assertNotNull(cluster.client.rbac().clusterRoles().withName("nstrace-client").get());

        // the DaemonSet's pods (the mock runs no controller): one ready, one not
        String a = cluster.agent("node-a", true);
        cluster.agent("node-b", false);
        String resetPath = MockCluster.execPath(a, cmd("reset", "--all")).replace("stdin=true&", "");
        cluster.execAt(resetPath, new byte[0], null, 0, 50);
        List<String> progress = new ArrayList<>();
        List<String> failed = installer.uninstall(Manifests.load(null), progress::add);
        assertEquals(List.of("node-b"), failed);
        assertEquals("node node-a: instances removed", progress.get(0));
        assertEquals("node node-b: agent pod nstrace-agent-node-b is not ready: instances not reset", progress.get(1));
        assertTrue(cluster.paths().contains(resetPath));
        assertNull(cluster.client.apps().daemonSets().inNamespace("nstrace").withName("nstrace-agent").get());
        assertNull(cluster.client.rbac().clusterRoles().withName("nstrace-client").get());
        assertEquals("deleted Namespace/nstrace", progress.getLast());
    }

    /** nstrace ARGS as the agent image runs it (its entrypoint, then the arguments). */
    private static List<String> cmd(String... args) {
        List<String> c = new java.util.ArrayList<>(RemoteCommand.NSTRACE);
        c.addAll(List.of(args));
        return c;
    }
}
