package io.nstrace.kube;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Records containers across the cluster: grouped by node, one {@link NodeRecording} per node on that node's agent
 * pod, at most {@code parallel} at a time, each streaming its trace.dat to its own file (by default
 * {@code <dir>/<node>.dat}). A node
 * without a ready agent, or whose recording fails, is reported by name in its {@link NodeResult}; the others go
 * on. {@link #stop} (Ctrl-C) stops every running recording, which still sends what it recorded; nodes still
 * waiting for their turn are not started.
 */
public final class ClusterRecorder {
    /** What each node records and where its trace goes ({@code fileOf} a node's name). */
    public record Plan(String agentNamespace, Duration duration, List<String> events,
                       java.util.function.Function<String, Path> fileOf, int parallel) {
        public Plan {
            events = List.copyOf(events);
            if (parallel < 1) {
                throw new IllegalArgumentException("parallel < 1");
            }
        }
    }

    /** Told as nodes start and finish (from recording threads). */
    public interface Listener {
        void started(String node, String agentPod, List<String> command);

        void finished(NodeResult result);
    }

    private final KubeApi api;
    private final Plan plan;
    private final Listener listener;
    private final Map<String, NodeRecording> running = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    public ClusterRecorder(KubeApi api, Plan plan, Listener listener) {
        this.api = api;
        this.plan = plan;
        this.listener = listener;
    }

    /** The containers by node, nodes in name order. */
    public static Map<String, List<PodContainer>> byNode(List<PodContainer> containers) {
        Map<String, List<PodContainer>> m = new TreeMap<>();
        for (PodContainer c : containers) {
            m.computeIfAbsent(c.node(), n -> new ArrayList<>()).add(c);
        }
        return m;
    }

    /** Records every node (blocking until all are done) and returns their results in node order. */
    public List<NodeResult> record(List<PodContainer> containers) {
        AgentPods agents = AgentPods.find(api, plan.agentNamespace());
        Map<String, List<PodContainer>> nodes = byNode(containers);
        Semaphore slots = new Semaphore(plan.parallel());
        List<Future<NodeResult>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Map.Entry<String, List<PodContainer>> e : nodes.entrySet()) {
                futures.add(pool.submit(() -> node(e.getKey(), e.getValue(), agents, slots)));
            }
        }
        List<NodeResult> results = new ArrayList<>();
        for (Future<NodeResult> f : futures) {
            results.add(f.resultNow());
        }
        return results;
    }

    private NodeResult node(String node, List<PodContainer> containers, AgentPods agents, Semaphore slots) {
        var agent = agents.on(node);
        NodeResult early = null;
        if (agent.isEmpty()) {
            early = failed(node, null, containers, "no nstrace agent pod on node " + node
                    + " (nstrace kube install; a taint or node selector may keep the DaemonSet off it)");
        } else if (!agent.get().ready()) {
            early = failed(node, agent.get().pod(), containers, "agent pod " + agent.get().pod() + " on node "
                    + node + " is not ready (phase " + agent.get().phase() + ")");
        }
        if (early != null) {
            listener.finished(early);
            return early;
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(node, agent.get().pod(), containers, "interrupted before its turn");
        }
        try {
            if (stopped) {
                NodeResult r = failed(node, agent.get().pod(), containers, "not started: stopped before its turn");
                listener.finished(r);
                return r;
            }
            List<String> command = RemoteCommand.record(containers.stream().map(PodContainer::containerId).toList(),
                    plan.duration(), plan.events());
            NodeRecording rec = new NodeRecording(api, agent.get(), containers, command,
                    plan.fileOf().apply(node), plan.duration());
            running.put(node, rec);
            if (stopped) {
                rec.stop();
            }
            listener.started(node, agent.get().pod(), command);
            NodeResult r = rec.run();
            running.remove(node);
            listener.finished(r);
            return r;
        } finally {
            slots.release();
        }
    }

    private static NodeResult failed(String node, String agentPod, List<PodContainer> containers, String why) {
        return new NodeResult(node, agentPod, containers, null, 0, why, List.of(), false);
    }

    /** Whether {@link #stop} was called. */
    public boolean stopped() {
        return stopped;
    }

    /**
     * Stops every running recording (they still send their trace) and keeps waiting ones from starting: what
     * SIGINT, SIGTERM and SIGHUP call. Safe from any thread, any number of times: each node gets one stop line.
     */
    public void stop() {
        stopped = true;
        running.values().forEach(NodeRecording::stop);
    }
}
