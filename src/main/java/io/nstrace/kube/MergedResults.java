package io.nstrace.kube;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.EventReader;
import io.nstrace.format.TraceData;
import io.nstrace.format.json.Json;
import io.nstrace.format.output.EventContext;
import io.nstrace.format.output.JsonWriter;
import io.nstrace.format.ringbuffer.TraceEvent;
import io.nstrace.format.tracedat.TraceDatReader;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The nodes' trace.dat files as one stream: JSON Lines merged by wall-clock time (each file's DATE offset applied
 * by {@link EventReader}), every event as {@code nstrace report --format json} writes it plus {@code node},
 * {@code namespace}, {@code pod} and the Kubernetes {@code container} name (the runtime's name in
 * {@code runtimeContainer}); and a Markdown summary per node and container. One page per CPU per node is held at a
 * time: memory stays flat however long the traces.
 */
public final class MergedResults {
    /** Per container: the counts of the summary. */
    public record ContainerCount(String node, String namespace, String pod, String container, long events) {
    }

    /** What the merge counted. */
    public record Counts(long events, Map<String, Long> lostByNode, List<ContainerCount> containers) {
    }

    /** What the summary says of the nodes the client stopped (Ctrl-C) before their end. */
    public static final String STOPPED = "Interrupted (Ctrl-C, SIGTERM or SIGHUP): these nodes were asked to stop "
            + "before their end and sent what they had recorded; their traces end at the stop";

    private MergedResults() {
    }

    /** Writes {@code jsonl} from the nodes that have a trace; returns the counts for {@link #summary}. */
    public static Counts writeJsonLines(List<NodeResult> nodes, Path jsonl) throws IOException {
        List<Source> sources = new ArrayList<>();
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8), 1 << 16)) {
            for (NodeResult n : nodes) {
                if (n.file() != null && n.bytes() > 0) {
                    Source s = Source.open(n);
                    if (s != null) {
                        sources.add(s);
                    }
                }
            }
            PriorityQueue<Source> queue = new PriorityQueue<>(Comparator.comparingLong((Source s) -> s.head.timestamp())
                    .thenComparing(s -> s.node.node()));
            for (Source s : sources) {
                if (s.advance()) {
                    queue.add(s);
                }
            }
            long events = 0;
            while (!queue.isEmpty()) {
                Source s = queue.poll();
                w.write(Json.write(s.json()));
                w.write('\n');
                events++;
                if (s.advance()) {
                    queue.add(s);
                }
            }
            Map<String, Long> lost = new TreeMap<>();
            List<ContainerCount> counts = new ArrayList<>();
            for (Source s : sources) {
                lost.put(s.node.node(), s.lost);
                s.counts.forEach((k, v) -> counts.add(new ContainerCount(s.node.node(), k.namespace(), k.pod(),
                        k.container(), v)));
            }
            counts.sort(Comparator.comparing(ContainerCount::node).thenComparing(ContainerCount::namespace)
                    .thenComparing(ContainerCount::pod).thenComparing(ContainerCount::container));
            return new Counts(events, lost, counts);
        } finally {
            for (Source s : sources) {
                s.reader.close();
            }
        }
    }

    /** The Markdown summary: nodes (trace, bytes, lost, failures), containers (events), notes, time alignment. */
    public static void summary(List<NodeResult> nodes, Counts counts, List<String> notes, Writer out)
            throws IOException {
        out.write("# nstrace kube record\n\n");
        out.write("Timestamps are wall-clock: each node's trace.dat carries the offset of its trace clock to its wall "
                + "clock (the DATE option), so events of different nodes line up only as well as the nodes' clocks "
                + "agree (NTP: about a millisecond on a LAN, worse across sites). Within one node the order is exact.\n\n");
        out.write("| node | agent pod | trace | bytes | lost | status |\n|---|---|---|---|---|---|\n");
        for (NodeResult n : nodes) {
            Long lost = counts.lostByNode().get(n.node());
            out.write("| " + n.node() + " | " + (n.agentPod() == null ? "-" : n.agentPod()) + " | "
                    + (n.file() == null ? "-" : n.file().getFileName()) + " | " + n.bytes() + " | "
                    + (lost == null ? "-" : lost) + " | " + (!n.ok() ? "FAILED: " + n.failure().replace("|", "/")
                    : n.stopped() ? "ok, stopped early" : "ok")
                    + " |\n");
        }
        out.write("\n| node | namespace | pod | container | events |\n|---|---|---|---|---|\n");
        for (ContainerCount c : counts.containers()) {
            out.write("| " + c.node() + " | " + c.namespace() + " | " + c.pod() + " | " + c.container() + " | "
                    + c.events() + " |\n");
        }
        out.write("\n" + counts.events() + " events in all.\n");
        List<String> stopped = nodes.stream().filter(NodeResult::stopped).map(NodeResult::node).toList();
        if (!stopped.isEmpty()) {
            out.write("\n" + STOPPED + ": " + String.join(", ", stopped) + ".\n");
        }
        if (!notes.isEmpty()) {
            out.write("\n## Notes\n\n");
            for (String n : notes) {
                out.write("- " + n + "\n");
            }
        }
        out.flush();
    }

    private record Key(String namespace, String pod, String container) {
    }

    /** One node's events in time order, with what names its containers. */
    private static final class Source {
        final NodeResult node;
        final EventReader reader;
        final JsonWriter json;
        final EventContext context;
        final Map<String, PodContainer> byRuntimeName = new LinkedHashMap<>();
        final Map<Key, Long> counts = new TreeMap<>(Comparator.comparing(Key::namespace).thenComparing(Key::pod)
                .thenComparing(Key::container));
        TraceEvent head;
        long lost;

        private Source(NodeResult node, TraceData data, EventReader reader) {
            this.node = node;
            this.reader = reader;
            this.context = EventContext.of(data);
            this.json = new JsonWriter(Writer.nullWriter(), context);
            for (ContainerMap.ContainerInfo ci : data.options().containers().containers()) {
                for (PodContainer pc : node.containers()) {
                    if (ci.id() != null && (ci.id().startsWith(pc.containerId()) || pc.containerId().startsWith(ci.id()))) {
                        byRuntimeName.put(ci.name(), pc);
                    }
                }
            }
        }

        static Source open(NodeResult n) throws IOException {
            TraceData data = TraceDatReader.read(n.file());
            return new Source(n, data, new EventReader(data));
        }

        boolean advance() {
            head = reader.hasNext() ? reader.next() : null;
            return head != null;
        }

        Map<String, Object> json() {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("node", node.node());
            Map<String, Object> event = json.object(head);
            if (head.isLostMarker()) {
                lost += Math.max(0, head.lost());
                o.putAll(event);
                return o;
            }
            Object runtimeName = event.get("container");
            PodContainer pc = runtimeName == null ? null : byRuntimeName.get(runtimeName.toString());
            o.put("namespace", pc == null ? null : pc.namespace());
            o.put("pod", pc == null ? null : pc.pod());
            event.forEach((k, v) -> {
                if (k.equals("container")) {
                    o.put("container", pc == null ? v : pc.container());
                    o.put("runtimeContainer", v);
                } else {
                    o.put(k, v);
                }
            });
            if (pc != null) {
                counts.merge(new Key(pc.namespace(), pc.pod(), pc.container()), 1L, Long::sum);
            }
            return o;
        }
    }
}
