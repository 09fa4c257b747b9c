package io.nstrace.kube;

import io.nstrace.error.NstraceException;
import io.nstrace.format.ContainerMap;
import io.nstrace.format.TraceData;
import io.nstrace.format.json.Json;
import io.nstrace.format.tracedat.TraceDatReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recording across nodes against the mock API server: each agent exec emits a real trace.dat (nstrace's
 * recording of two busybox containers, src/test/resources/traces/two-containers.dat) on its stdout channel. The
 * exec command line is part of each expectation's path, so a client sending any other command gets no trace.
 */
class ClusterRecorderMockTest {
    private static final Path TRACE = Path.of("src/test/resources/traces/two-containers.dat");
    private static byte[] trace;
    /** The ids of the trace's two containers: faults-dat-web and faults-dat-db. */
    private static String webId;
    private static String dbId;

    private MockCluster cluster;
    @TempDir
    Path dir;

    @BeforeAll
    static void trace() throws IOException {
        trace = Files.readAllBytes(TRACE);
        TraceData d = TraceDatReader.read(TRACE);
        for (ContainerMap.ContainerInfo c : d.options().containers().containers()) {
            if (c.name().equals("faults-dat-web")) {
                webId = c.id();
            } else if (c.name().equals("faults-dat-db")) {
                dbId = c.id();
            }
        }
        assertTrue(webId != null && dbId != null, "the fixture names both containers with ids");
    }

    @BeforeEach
    void cluster() {
        cluster = new MockCluster();
        for (String n : List.of("node-a", "node-b", "node-c", "node-d")) {
            cluster.node(n);
        }
        cluster.pod("shop", "web-1", "node-a", Map.of("app", "web"), Map.of("nginx", webId));
        cluster.pod("shop", "db-0", "node-b", Map.of("app", "db"), Map.of("postgres", dbId));
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    private List<PodContainer> resolve(String... targets) {
        return new TargetResolver(cluster.api, Manifests.NAMESPACE).resolve(new Scope(Arrays.stream(targets)
                .map(Target::parse).toList(), "shop", null, null)).containers();
    }

    private static final class Log implements ClusterRecorder.Listener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void started(String node, String agentPod, List<String> command) {
            events.add("start " + node);
        }

        @Override
        public void finished(NodeResult result) {
            events.add("end " + result.node());
        }
    }

    private ClusterRecorder recorder(Duration d, int parallel, Log log) {
        return new ClusterRecorder(cluster.api, new ClusterRecorder.Plan(Manifests.NAMESPACE, d,
                List.of("sched:sched_switch"), node -> dir.resolve(node + ".dat"), parallel), log);
    }

    @Test
    void theExactCommandLineEachNodeRuns() {
        assertEquals(cmd("record", "-o", "-", "--format", "dat", "--stop-on-stdin", "-d", "2000ms",
                "-e", "sched:sched_switch", webId), RemoteCommand.record(List.of(webId), Duration.ofSeconds(2),
                List.of("sched:sched_switch")));
    }

    @Test
    void twoNodesInParallelEachTraceStreamedToItsFileThenMerged() throws Exception {
        String a = cluster.agent("node-a", true);
        String b = cluster.agent("node-b", true);
        List<String> cmdA = cmd("record", "-o", "-", "--format", "dat", "--stop-on-stdin", "-d",
                "1000ms", "-e", "sched:sched_switch", webId);
        List<String> cmdB = cmd("record", "-o", "-", "--format", "dat", "--stop-on-stdin", "-d",
                "1000ms", "-e", "sched:sched_switch", dbId);
        cluster.exec(a, cmdA, trace, "nstrace record: faults-dat-web: 1,538 events\n", 0, 1500);
        cluster.exec(b, cmdB, trace, null, 0, 1500);
        Log log = new Log();
        List<NodeResult> results = recorder(Duration.ofSeconds(1), 2, log).record(resolve("web-1", "db-0"));

        assertEquals(List.of("node-a", "node-b"), results.stream().map(NodeResult::node).toList());
        for (NodeResult r : results) {
            assertNull(r.failure(), r.node());
            assertEquals(trace.length, r.bytes());
            assertArrayEquals(trace, Files.readAllBytes(dir.resolve(r.node() + ".dat")), r.node());
        }
        assertEquals(List.of("nstrace record: faults-dat-web: 1,538 events"), results.getFirst().messages());
        // both exec streams were open at once: each sends its exit 1.5 s after opening
        assertEquals(List.of("start", "start", "end", "end"), log.events.stream().map(e -> e.split(" ")[0]).toList());
        List<String> paths = cluster.paths();
        assertTrue(paths.contains(MockCluster.execPath(a, cmdA)), paths.toString());
        assertTrue(paths.contains(MockCluster.execPath(b, cmdB)), paths.toString());

        Path jsonl = dir.resolve("merged.jsonl");
        MergedResults.Counts counts = MergedResults.writeJsonLines(results, jsonl);
        List<String> lines = Files.readAllLines(jsonl);
        assertEquals(2 * 2671, lines.size());
        assertEquals(2 * 2671, counts.events());
        long lastTs = 0;
        int web = 0;
        int db = 0;
        for (String line : lines) {
            Map<String, Object> o = Json.parseObject(line);
            long ts = ((Number) o.get("ts")).longValue();
            assertTrue(ts >= lastTs, "merged by time");
            lastTs = ts;
            if ("nginx".equals(o.get("container"))) {
                assertEquals(List.of("node-a", "shop", "web-1", "faults-dat-web"),
                        List.of(o.get("node"), o.get("namespace"), o.get("pod"), o.get("runtimeContainer")));
                web++;
            } else if ("postgres".equals(o.get("container"))) {
                assertEquals(List.of("node-b", "shop", "db-0"), List.of(o.get("node"), o.get("namespace"),
                        o.get("pod")));
                db++;
            }
        }
        assertEquals(1538, web); // faults-dat-web's own events on node-a (as nstrace report counts them)
        assertEquals(989, db);
        StringWriter md = new StringWriter();
        MergedResults.summary(results, counts, List.of(), md);
        assertTrue(md.toString().contains("| node-a | shop | web-1 | nginx | 1538 |"), md.toString());
        assertTrue(md.toString().contains("| node-b | shop | db-0 | postgres | 989 |"), md.toString());
        assertTrue(md.toString().contains("Timestamps are wall-clock"), md.toString());
    }

    /**
     * The exec ends with its exit status right behind the last of many small stdout frames: the node's file must
     * still hold every byte when the recorder reports it (fabric8 reports the exit and the close on threads of its
     * own; the file is complete only once the output stream itself has ended). Repeated so a race would show.
     */
    @Test
    void theLastFramesBeforeTheExitStatusAreInTheFile() throws Exception {
        String a = cluster.agent("node-a", true);
        List<String> command = RemoteCommand.record(List.of(webId), null, List.of("sched:sched_switch"));
        byte[] sent = new byte[1 << 20]; // the fixture over and over: 1,024 frames of 1 KiB
        for (int off = 0; off < sent.length; off += trace.length) {
            System.arraycopy(trace, 0, sent, off, Math.min(trace.length, sent.length - off));
        }
        for (int i = 0; i < 20; i++) {
            cluster.execAt(MockCluster.execPath(a, command), sent, 1024, null, 0, 0);
            List<NodeResult> results = recorder(null, 1, new Log()).record(resolve("web-1"));
            assertNull(results.getFirst().failure(), "iteration " + i);
            assertEquals(sent.length, results.getFirst().bytes(), "iteration " + i);
            assertArrayEquals(sent, Files.readAllBytes(dir.resolve("node-a.dat")), "iteration " + i);
        }
    }

    /**
     * Ctrl-C through the mock API server: two nodes whose execs send part of a trace and then keep the stream
     * open until the stop line arrives on stdin; stop() (what SIGINT, SIGTERM and SIGHUP call) sends it to both,
     * each answers with the rest and exits 0, and both files hold what came before and after the stop.
     */
    @Test
    @Timeout(60)
    void stopSendsTheStopLineToEveryNodeAndKeepsWhatEachSent() throws Exception {
        String a = cluster.agent("node-a", true);
        String b = cluster.agent("node-b", true);
        int cut = 100_000;
        byte[] before = Arrays.copyOf(trace, cut);
        byte[] after = Arrays.copyOfRange(trace, cut, trace.length);
        cluster.execUntilStop(a, RemoteCommand.record(List.of(webId), null, List.of("sched:sched_switch")), before,
                after);
        cluster.execUntilStop(b, RemoteCommand.record(List.of(dbId), null, List.of("sched:sched_switch")), before,
                after);
        List<PodContainer> targets = resolve("web-1", "db-0");
        Log log = new Log();
        ClusterRecorder recorder = recorder(null, 2, log);
        // on a thread of its own, as the CLI's main thread: the common pool (1 thread on 2 CPUs) is fabric8's
        CompletableFuture<List<NodeResult>> recording = new CompletableFuture<>();
        Thread.ofPlatform().name("kube-record").start(() -> {
            try {
                recording.complete(recorder.record(targets));
            } catch (Throwable t) {
                recording.completeExceptionally(t);
            }
        });
        // both streams open, each node's first bytes on disk, nothing asked to stop yet
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(size(dir.resolve("node-a.dat")) == cut && size(dir.resolve("node-b.dat")) == cut)) {
            assertTrue(System.nanoTime() < until, "both nodes' first " + cut + " bytes within 30 s: "
                    + size(dir.resolve("node-a.dat")) + ", " + size(dir.resolve("node-b.dat")) + " " + log.events);
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertFalse(recording.isDone(), "the execs wait for their stdin: " + log.events);
        assertEquals(cut, size(dir.resolve("node-a.dat")));

        recorder.stop();
        recorder.stop(); // a second signal (Ctrl-C twice) sends no second line
        List<NodeResult> results = recording.get(30, TimeUnit.SECONDS);

        assertTrue(recorder.stopped());
        assertEquals(List.of("node-a", "node-b"), results.stream().map(NodeResult::node).toList());
        for (NodeResult r : results) {
            assertNull(r.failure(), r.node());
            assertTrue(r.stopped(), r.node());
            assertEquals(trace.length, r.bytes(), r.node());
            assertArrayEquals(trace, Files.readAllBytes(dir.resolve(r.node() + ".dat")), r.node());
        }
        MergedResults.Counts counts = MergedResults.writeJsonLines(results, dir.resolve("merged.jsonl"));
        assertEquals(2 * 2671, counts.events());
        StringWriter md = new StringWriter();
        MergedResults.summary(results, counts, List.of(), md);
        assertTrue(md.toString().contains("| node-a | nstrace-agent-node-a | node-a.dat | " + trace.length
                + " | 0 | ok, stopped early |"), md.toString());
        assertTrue(md.toString().contains(MergedResults.STOPPED + ": node-a, node-b."), md.toString());
    }

    /** A stop that comes before a node's exec is open is sent as soon as it opens. */
    @Test
    @Timeout(60)
    void aStopBeforeTheExecOpensIsSentWhenItOpens() throws Exception {
        String a = cluster.agent("node-a", true);
        cluster.execUntilStop(a, RemoteCommand.record(List.of(webId), null, List.of("sched:sched_switch")),
                Arrays.copyOf(trace, 1000), Arrays.copyOfRange(trace, 1000, trace.length));
        List<PodContainer> targets = resolve("web-1");
        ClusterRecorder[] self = new ClusterRecorder[1];
        self[0] = new ClusterRecorder(cluster.api, new ClusterRecorder.Plan(Manifests.NAMESPACE, null,
                List.of("sched:sched_switch"), node -> dir.resolve(node + ".dat"), 1), new ClusterRecorder.Listener() {
            @Override
            public void started(String node, String agentPod, List<String> command) {
                self[0].stop(); // the recording is registered, its exec not yet made
            }

            @Override
            public void finished(NodeResult result) {
            }
        });
        NodeResult r = self[0].record(targets).getFirst();
        assertNull(r.failure());
        assertTrue(r.stopped());
        assertArrayEquals(trace, Files.readAllBytes(dir.resolve("node-a.dat")));
    }

    private static long size(Path f) throws IOException {
        return Files.exists(f) ? Files.size(f) : -1;
    }

    @Test
    void parallelOneRecordsOneNodeAfterTheOther() {
        String a = cluster.agent("node-a", true);
        String b = cluster.agent("node-b", true);
        cluster.exec(a, RemoteCommand.record(List.of(webId), null, List.of("sched:sched_switch")), trace, null, 0, 300);
        cluster.exec(b, RemoteCommand.record(List.of(dbId), null, List.of("sched:sched_switch")), trace, null, 0, 300);
        Log log = new Log();
        List<NodeResult> results = recorder(null, 1, log).record(resolve("web-1", "db-0"));
        assertTrue(results.stream().allMatch(NodeResult::ok), results.toString());
        assertEquals(List.of("start", "end", "start", "end"), log.events.stream().map(e -> e.split(" ")[0]).toList());
    }

    @Test
    void missingNotReadyAndFailingAgentsAreNamedTheOtherNodesKept() throws Exception {
        cluster.pod("shop", "web-2", "node-c", Map.of("app", "web"), Map.of("nginx", "c".repeat(64)));
        cluster.pod("shop", "web-3", "node-d", Map.of("app", "web"), Map.of("nginx", "d".repeat(64)));
        String a = cluster.agent("node-a", true);
        cluster.agent("node-c", false); // node-b has none at all
        String d = cluster.agent("node-d", true);
        cluster.exec(a, RemoteCommand.record(List.of(webId), null, List.of("sched:sched_switch")), trace, null, 0, 200);
        cluster.exec(d, RemoteCommand.record(List.of("d".repeat(64)), null, List.of("sched:sched_switch")), new byte[0],
                "nstrace record: no container matches '" + "d".repeat(64) + "'; containers: x\n", 1, 200);
        List<NodeResult> results = recorder(null, 4, new Log()).record(resolve("web-1", "db-0", "web-2", "web-3"));

        assertEquals(4, results.size());
        assertNull(results.get(0).failure());
        assertArrayEquals(trace, Files.readAllBytes(dir.resolve("node-a.dat")));
        assertEquals("no nstrace agent pod on node node-b (nstrace kube install; a taint or node selector may keep "
                + "the DaemonSet off it)", results.get(1).failure());
        assertEquals("agent pod nstrace-agent-node-c on node node-c is not ready (phase Pending)",
                results.get(2).failure());
        assertEquals("nstrace record in agent pod nstrace-agent-node-d exited 1: nstrace record: no container "
                + "matches '" + "d".repeat(64) + "'; containers: x", results.get(3).failure());
        // the merge takes what there is
        MergedResults.Counts counts = MergedResults.writeJsonLines(results, dir.resolve("merged.jsonl"));
        assertEquals(2671, counts.events());
    }

    @Test
    void rbacRefusalNamesVerbAndResource() {
        cluster.forbid("/api/v1/namespaces/nstrace/pods?labelSelector=app.kubernetes.io%2Fname%3Dnstrace%2Capp.kubernetes.io%2Fcomponent%3Dagent",
                "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"nstrace\"");
        List<PodContainer> targets = resolve("web-1");
        NstraceException e = assertThrows(NstraceException.class,
                () -> recorder(null, 2, new Log()).record(targets));
        assertEquals(3, e.exitCode());
        assertEquals("forbidden: RBAC does not let you list pods in namespace nstrace (grant verb 'list' on resource "
                + "'pods'; README, Kubernetes: RBAC)", e.getMessage());
    }

    @Test
    void execRefusedIsReportedForThatNode() {
        String a = cluster.agent("node-a", true);
        // no expectation for the exec: the server answers it with an error, like a refused upgrade
        cluster.server.expect().get().withPath(MockCluster.execPath(a, RemoteCommand.record(List.of(webId), null,
                List.of("sched:sched_switch")))).andReturn(403, new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withCode(403).withMessage("pods \"x\" is forbidden: cannot create resource \"pods/exec\"").build())
                .always();
        List<NodeResult> results = recorder(null, 2, new Log()).record(resolve("web-1"));
        assertFalse(results.getFirst().ok());
        assertEquals("forbidden: RBAC does not let you create pods/exec in namespace nstrace (grant verb 'create' on "
                + "resource 'pods/exec'; README, Kubernetes: RBAC)", results.getFirst().failure());
    }

    @Test
    void aPodRestartedDuringTheTraceIsReported() {
        String a = cluster.agent("node-a", true);
        cluster.exec(a, RemoteCommand.record(List.of(webId), null, List.of("sched:sched_switch")), trace, null, 0, 200);
        List<PodContainer> targets = resolve("web-1");
        ClusterRecorder r = new ClusterRecorder(cluster.api, new ClusterRecorder.Plan(Manifests.NAMESPACE, null,
                List.of("sched:sched_switch"), node -> dir.resolve(node + ".dat"), 1), new ClusterRecorder.Listener() {
            @Override
            public void started(String node, String agentPod, List<String> command) {
                var p = cluster.client.pods().inNamespace("shop").withName("web-1").get();
                p.getStatus().getContainerStatuses().getFirst().setRestartCount(1);
                p.getStatus().getContainerStatuses().getFirst().setContainerID("containerd://" + "e".repeat(64));
                cluster.client.pods().inNamespace("shop").resource(p).update();
            }

            @Override
            public void finished(NodeResult result) {
            }
        });
        r.record(targets);
        assertEquals(List.of("container shop/web-1/nginx restarted during the trace (restarts 0 -> 1): the trace "
                + "holds the first container's events only"), PodChanges.check(cluster.api, targets));
        cluster.client.pods().inNamespace("shop").withName("web-1").delete();
        assertEquals(List.of("pod shop/web-1 was deleted during the trace"), PodChanges.check(cluster.api, targets));
    }

    /** nstrace ARGS as the agent image runs it (its entrypoint, then the arguments). */
    private static List<String> cmd(String... args) {
        List<String> c = new java.util.ArrayList<>(RemoteCommand.NSTRACE);
        c.addAll(List.of(args));
        return c;
    }
}
