package io.nstrace.cli;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import io.nstrace.kube.AgentPods;
import io.nstrace.kube.KubeApi;
import io.nstrace.kube.Manifests;
import io.nstrace.kube.PodContainer;
import io.nstrace.kube.Scope;
import io.nstrace.kube.Target;
import io.nstrace.kube.TargetResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code nstrace kube ps [TARGET...]}: without targets, the node agents (node, pod, ready); with targets (or
 * {@code -l}), the containers they resolve to, with their node, container id and that node's agent.
 */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = {"List the node agents, or what TARGETs resolve to: node, namespace, pod, container, container id, agent.",
                "TARGET: pod/NAME or NAME, deploy/NAME, node/NAME."})
public final class KubePsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KubeConnection connection;

    @Parameters(arity = "0..*", paramLabel = "TARGET")
    List<String> targets = new ArrayList<>();

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "The targets' namespace (default: the context's).")
    String namespace;

    @Option(names = {"-A", "--all-namespaces"}, description = "Every namespace.")
    boolean allNamespaces;

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Label selector.")
    String selector;

    @Option(names = {"-c", "--container"}, paramLabel = "NAME", description = "Only this container of each pod.")
    String container;

    @Override
    public Integer call() {
        if (allNamespaces && namespace != null) {
            throw new NstraceException(ExitCodes.USAGE, "-n and -A do not go together");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (KubeApi api = connection.connect()) {
            AgentPods agents = AgentPods.find(api, Manifests.NAMESPACE);
            if (targets.isEmpty() && selector == null) {
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"NODE", "AGENT POD", "READY", "PHASE"});
                agents.all().forEach(a -> rows.add(new String[] {a.node(), a.pod(), a.ready() ? "yes" : "no",
                        String.valueOf(a.phase())}));
                out.print(table(rows));
                if (agents.all().isEmpty()) {
                    out.println("(no agent pods in namespace " + Manifests.NAMESPACE + ": nstrace kube install)");
                }
                out.flush();
                return 0;
            }
            Scope scope = new Scope(targets.stream().map(Target::parse).toList(), allNamespaces ? null
                    : namespace != null ? namespace : api.defaultNamespace(), selector, container);
            TargetResolver.Resolution r = new TargetResolver(api, Manifests.NAMESPACE).resolve(scope);
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NODE", "NAMESPACE", "POD", "CONTAINER", "ID", "AGENT"});
            for (PodContainer c : r.containers()) {
                String agent = agents.on(c.node()).map(a -> a.pod() + (a.ready() ? "" : " (not ready)"))
                        .orElse("(none)");
                rows.add(new String[] {c.node(), c.namespace(), c.pod(), c.container(),
                        c.containerId().substring(0, Math.min(12, c.containerId().length())), agent});
            }
            out.print(table(rows));
            out.flush();
            r.notes().forEach(n -> spec.commandLine().getErr().println("nstrace kube ps: " + n));
            spec.commandLine().getErr().flush();
        }
        return 0;
    }

    static String table(List<String[]> rows) {
        int[] width = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                b.append(i == row.length - 1 ? row[i] : String.format("%-" + (width[i] + 2) + "s", row[i]));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
