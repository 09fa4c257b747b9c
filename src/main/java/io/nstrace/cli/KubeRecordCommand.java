package io.nstrace.cli;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import io.nstrace.kube.ClusterRecorder;
import io.nstrace.kube.KubeApi;
import io.nstrace.kube.Manifests;
import io.nstrace.kube.MergedResults;
import io.nstrace.kube.NodeResult;
import io.nstrace.kube.PodChanges;
import io.nstrace.kube.PodContainer;
import io.nstrace.kube.Scope;
import io.nstrace.kube.Target;
import io.nstrace.kube.TargetResolver;
import io.nstrace.sys.Signals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code nstrace kube record TARGET... -o DIR|FILE}: the targets' containers resolved through the API server,
 * recorded on each node by its agent pod (exec), one trace.dat per node streamed to disk, then the merged JSON
 * Lines and summary.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Trace pods across the cluster: on each node its agent pod runs nstrace record on that node's "
                + "containers (through the API server's exec); each node's trace.dat streams to -o, then merged.jsonl "
                + "and summary.md are written beside them.",
                "TARGET: pod/NAME or NAME, deploy/NAME (its pods), node/NAME (every container there)."})
public final class KubeRecordCommand implements Callable<Integer> {
    @ParentCommand
    KubeCommand kube;

    @Spec
    CommandSpec spec;

    @Mixin
    KubeConnection connection;

    @Parameters(arity = "0..*", paramLabel = "TARGET", description = "pod/NAME, NAME, deploy/NAME, node/NAME.")
    List<String> targets = new ArrayList<>();

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "The targets' namespace (default: the context's).")
    String namespace;

    @Option(names = {"-A", "--all-namespaces"}, description = "Find the targets (and -l) in every namespace.")
    boolean allNamespaces;

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR",
            description = "Label selector (as kubectl's): alone, every matching pod; with TARGETs, only their matching pods.")
    String selector;

    @Option(names = {"-c", "--container"}, paramLabel = "NAME", description = "Only this container of each pod.")
    String container;

    @Option(names = {"-e", "--event"}, paramLabel = "EVENT",
            description = "Event to trace (repeatable; as nstrace record -e). Default: record's defaults.")
    List<String> events = new ArrayList<>();

    @Option(names = {"-d", "--duration"}, paramLabel = "DUR", converter = DurationConverter.class,
            description = "Stop after this long (10s, 2m). Default: until Ctrl-C.")
    Duration duration;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR|FILE", required = true,
            description = "A directory (made if missing): <node>.dat per node, merged.jsonl, summary.md. "
                    + "A FILE.dat when one node is traced: FILE.dat, FILE.jsonl, FILE.summary.md.")
    Path output;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "32",
            description = "At most N nodes record at once (default ${DEFAULT-VALUE}); more wait for their turn.")
    int parallel;

    @Override
    public Integer call() throws IOException {
        if (allNamespaces && namespace != null) {
            throw new NstraceException(ExitCodes.USAGE, "-n and -A do not go together");
        }
        if (parallel < 1) {
            throw new NstraceException(ExitCodes.USAGE, "invalid value for option '--parallel': " + parallel
                    + ": give a whole number of at least 1");
        }
        List<Target> parsed = targets.stream().map(Target::parse).toList();
        PrintWriter err = spec.commandLine().getErr();
        try (KubeApi api = connection.connect()) {
            Scope scope = new Scope(parsed, allNamespaces ? null : namespace != null ? namespace
                    : api.defaultNamespace(), selector, container);
            TargetResolver.Resolution r = new TargetResolver(api, Manifests.NAMESPACE).resolve(scope);
            r.notes().forEach(n -> say(err, n));
            if (r.containers().isEmpty()) {
                throw NstraceException.user("no running container to trace in " + String.join(" ", targets)
                        + (selector == null ? "" : " -l " + selector));
            }
            Map<String, List<PodContainer>> nodes = ClusterRecorder.byNode(r.containers());
            Outputs outputs = Outputs.of(output, nodes.size());
            say(err, r.containers().size() + " container(s) on " + nodes.size() + " node(s)"
                    + (nodes.size() > parallel ? "; --parallel " + parallel + ": the others wait for their turn" : ""));
            ClusterRecorder recorder = new ClusterRecorder(api, new ClusterRecorder.Plan(Manifests.NAMESPACE,
                    duration, events, outputs.perNode, parallel), new Progress(err));
            List<NodeResult> results;
            try (Signals ignored = kube.parent.shell().inShell() ? null
                    : Signals.handle(sig -> recorder.stop(), "INT", "TERM", "HUP")) {
                results = recorder.record(r.containers());
            }
            if (recorder.stopped()) {
                say(err, "interrupted: every running node was asked to stop and sent what it had recorded"
                        + " (their traces end at the stop)");
            }
            List<String> notes = new ArrayList<>(r.notes());
            List<String> changes = PodChanges.check(api, r.containers());
            changes.forEach(n -> say(err, n));
            notes.addAll(changes);
            results.stream().filter(n -> !n.ok()).forEach(n -> notes.add("node " + n.node() + ": " + n.failure()));
            MergedResults.Counts counts = MergedResults.writeJsonLines(results, outputs.jsonl);
            try (Writer w = Files.newBufferedWriter(outputs.summary, StandardCharsets.UTF_8)) {
                MergedResults.summary(results, counts, notes, w);
            }
            say(err, "wrote " + outputs.jsonl + " (" + counts.events() + " events, wall-clock time across nodes) and "
                    + outputs.summary);
            List<String> failed = results.stream().filter(n -> !n.ok()).map(NodeResult::node).toList();
            if (!failed.isEmpty()) {
                throw NstraceException.environment(failed.size() + " of " + results.size() + " node(s) failed: "
                        + String.join(", ", failed) + " (the others' traces are kept)");
            }
        }
        return 0;
    }

    private static void say(PrintWriter err, String line) {
        synchronized (err) {
            err.println("nstrace kube record: " + line);
            err.flush();
        }
    }

    /** Where each node's trace, the merged JSON Lines and the summary go. */
    private record Outputs(Function<String, Path> perNode, Path jsonl, Path summary) {
        static Outputs of(Path output, int nodes) throws IOException {
            String name = output.getFileName().toString();
            if (name.endsWith(".dat") && !Files.isDirectory(output)) {
                if (nodes > 1) {
                    throw NstraceException.user("cannot write " + output + ": " + nodes
                            + " nodes make one trace.dat each; give -o DIR");
                }
                OutputFiles.require(output, ExitCodes.USAGE);
                String base = name.substring(0, name.length() - 4);
                return new Outputs(node -> output, output.resolveSibling(base + ".jsonl"),
                        output.resolveSibling(base + ".summary.md"));
            }
            try {
                Files.createDirectories(output);
            } catch (IOException e) {
                throw new NstraceException(ExitCodes.USAGE, "cannot write " + output + ": " + OutputFiles.reason(e));
            }
            if (!Files.isWritable(output)) {
                throw new NstraceException(ExitCodes.USAGE, "cannot write " + output + ": directory is not writable");
            }
            return new Outputs(node -> output.resolve(node + ".dat"), output.resolve("merged.jsonl"),
                    output.resolve("summary.md"));
        }
    }

    /** One line per node as it starts and ends. */
    private record Progress(PrintWriter err) implements ClusterRecorder.Listener {
        @Override
        public void started(String node, String agentPod, List<String> command) {
            say(err, "node " + node + ": recording through agent pod " + agentPod);
        }

        @Override
        public void finished(NodeResult r) {
            if (r.ok()) {
                say(err, "node " + r.node() + ": wrote " + r.file() + " (" + r.bytes() + " bytes)");
                r.messages().forEach(m -> say(err, "node " + r.node() + ": " + m));
            } else {
                say(err, "node " + r.node() + ": FAILED: " + r.failure());
            }
        }
    }
}
