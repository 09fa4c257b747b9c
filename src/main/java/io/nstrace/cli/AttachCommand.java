package io.nstrace.cli;

import io.nstrace.cli.context.Services;

import io.nstrace.error.NstraceException;
import io.nstrace.discovery.Container;
import io.nstrace.discovery.ContainerDiscovery;
import io.nstrace.discovery.Selectors;
import io.nstrace.session.SessionTable;
import io.nstrace.session.SessionOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code attach SELECTOR...}: a session (tracing off) per container, named after it; shell only. */
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = {"Attach a tracing session to each container (tracing off until 'start'); in the shell only.",
                "Each session is named after its container and traced in its own tracefs instance."})
public final class AttachCommand implements Callable<Integer> {
    static final Duration POLL = Duration.ofMillis(100);

    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ContainersMixin containers;

    @Mixin
    TraceOptionsMixin trace;

    @Option(names = "--wait", description = "Wait for containers that do not exist yet; attach as each appears.")
    boolean waitFor;

    @Option(names = "--timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "With --wait: give up after this long (default: wait until Ctrl-C).")
    Duration timeout;

    @Mixin
    SpoolMixin spool;

    @Override
    public Integer call() throws InterruptedException {
        Services services = parent.services();
        SessionTable recordings = ShellSessions.of(parent, "attach");
        Privileges.requireTracing(services);
        SessionOptions options = trace.toOptions();
        ContainerDiscovery discovery = services.discovery();
        List<Container> targets = waitFor ? awaitEach(services, discovery)
                : Selectors.select(discovery.scanNamespaces(), containers.selectors(), true);
        List<String> names = new ArrayList<>();
        for (Container c : targets) {
            String name = recordings.attach(discovery.detailed(c), options, spool.spool());
            names.add(name);
            spec.commandLine().getOut().printf("attached %s (%d pids); 'start %s' begins tracing%n", name,
                    c.pids().size(), name);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** Per selector, the containers it matches once at least one exists. */
    private List<Container> awaitEach(Services services, ContainerDiscovery discovery) throws InterruptedException {
        Duration limit = timeout == null ? Duration.ofDays(3650) : timeout;
        List<Container> out = new ArrayList<>();
        for (String selector : containers.selectors()) {
            List<List<Container>> seen = new ArrayList<>(List.of(List.of()));
            services.sessions().awaitContainer(() -> {
                seen.set(0, matches(discovery, selector));
                return seen.getFirst();
            }, c -> true, limit, POLL);
            seen.getFirst().stream().filter(c -> !out.contains(c)).forEach(out::add);
        }
        return out;
    }

    private static List<Container> matches(ContainerDiscovery discovery, String selector) {
        try {
            return Selectors.select(discovery.scanNamespaces(), List.of(selector), true);
        } catch (NstraceException e) {
            return List.of(); // not there yet
        }
    }
}
