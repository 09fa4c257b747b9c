package io.nstrace.kube;

import io.nstrace.testing.CliRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kube commands as the command line runs them, with --kubeconfig naming the mock API server. */
class KubeCliMockTest {
    private static final Path TRACE = Path.of("src/test/resources/traces/two-containers.dat");
    private static MockCluster cluster;
    @TempDir
    static Path dir;
    private static Path kubeconfig;
    private static String webId;

    @BeforeAll
    static void cluster() throws Exception {
        cluster = new MockCluster();
        cluster.node("node-a");
        var data = io.nstrace.format.tracedat.TraceDatReader.read(TRACE);
        webId = data.options().containers().containers().stream().filter(c -> c.name().equals("faults-dat-web"))
                .findFirst().orElseThrow().id();
        cluster.pod("shop", "web-1", "node-a", Map.of("app", "web"), Map.of("nginx", webId));
        cluster.agent("node-a", true);
        kubeconfig = cluster.kubeconfig(dir);
    }

    @AfterAll
    static void close() {
        cluster.close();
    }

    private static CliRun run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--kubeconfig";
        all[args.length + 1] = kubeconfig.toString();
        return CliRun.run(Path.of("/proc"), null, all);
    }

    @Test
    void recordOnePodIntoAFile() throws Exception {
        cluster.exec("nstrace-agent-node-a", cmd("record", "-o", "-", "--format", "dat",
                "--stop-on-stdin", "-d", "500ms", "-e", "sched:sched_switch", webId), Files.readAllBytes(TRACE),
                "nstrace record: faults-dat-web: 1,538 events\n", 0, 200);
        Path out = dir.resolve("web.dat");
        // the kubeconfig's context namespace is shop
        CliRun r = run("kube", "record", "web-1", "-e", "sched:sched_switch", "-d", "500ms", "-o", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertArrayEquals(Files.readAllBytes(TRACE), Files.readAllBytes(out));
        assertTrue(r.err().contains("nstrace kube record: 1 container(s) on 1 node(s)"), r.err());
        assertTrue(r.err().contains("nstrace kube record: node node-a: nstrace record: faults-dat-web: 1,538 events"),
                r.err());
        assertEquals(2671, Files.readAllLines(dir.resolve("web.jsonl")).size());
        assertTrue(Files.readString(dir.resolve("web.summary.md")).contains("| node-a | shop | web-1 | nginx | 1538 |"));
    }

    @Test
    void unknownPodExits1ListingCandidates() {
        CliRun r = run("kube", "record", "pod/wbe-1", "-o", dir.resolve("x").toString());
        assertEquals(1, r.exitCode(), r.err());
        assertEquals("nstrace kube record: no pod 'wbe-1' in namespace shop; pods: shop/web-1\n", r.err());
    }

    @Test
    void psListsAgentsAndResolvedContainers() {
        CliRun agents = run("kube", "ps");
        assertEquals(0, agents.exitCode(), agents.err());
        assertEquals("NODE    AGENT POD             READY  PHASE\nnode-a  nstrace-agent-node-a  yes    Running\n",
                agents.out());
        CliRun pods = run("kube", "ps", "deploy/none", "-n", "shop");
        assertEquals(1, pods.exitCode());
        CliRun web = run("kube", "ps", "web-1");
        assertEquals(0, web.exitCode(), web.err());
        assertTrue(web.out().contains("node-a  shop       web-1  nginx      " + webId.substring(0, 12)
                + "  nstrace-agent-node-a"), web.out());
    }

    @Test
    void installDryRunPrintsTheManifestsWithTheImage() {
        CliRun r = CliRun.run(Path.of("/proc"), null, "kube", "install", "--dry-run", "--image", "reg/nstrace:1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("kind: \"DaemonSet\""), r.out());
        assertTrue(r.out().contains("image: \"reg/nstrace:1\""), r.out());
        assertTrue(r.out().contains("hostPID: true"), r.out());
        // what it prints is what install applies: it parses back to the same objects
        assertEquals(Manifests.load("reg/nstrace:1").items(), Manifests.parse(new java.io.ByteArrayInputStream(
                r.out().getBytes(java.nio.charset.StandardCharsets.UTF_8)), null).items());
    }

    @Test
    void badTargetAndBadOptionsAreUsageErrors() {
        assertEquals(2, run("kube", "record", "svc/web", "-o", dir.resolve("y").toString()).exitCode());
        assertEquals(2, run("kube", "record", "web-1", "-n", "a", "-A", "-o", dir.resolve("y").toString()).exitCode());
        assertEquals(2, run("kube", "record", "web-1").exitCode()); // -o is required
    }

    /** nstrace ARGS as the agent image runs it (its entrypoint, then the arguments). */
    private static List<String> cmd(String... args) {
        List<String> c = new java.util.ArrayList<>(RemoteCommand.NSTRACE);
        c.addAll(List.of(args));
        return c;
    }
}
