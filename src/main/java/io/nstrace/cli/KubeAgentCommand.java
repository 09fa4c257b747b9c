package io.nstrace.cli;

import io.nstrace.sys.Signals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code nstrace kube agent}: what the DaemonSet's pods run. Checks once that this node can be traced (/proc,
 * tracefs, root), then waits idle until SIGTERM; recordings are separate processes the client execs.
 */
@Command(name = "agent", hidden = true, mixinStandardHelpOptions = true,
        description = "The node agent's idle process (the DaemonSet runs it): check tracing is possible, then wait.")
public final class KubeAgentCommand implements Callable<Integer> {
    @ParentCommand
    KubeCommand kube;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        var services = kube.services();
        Privileges.requireTracing(services);
        Privileges.requireDiscovery(services);
        String tracefs = services.traceFs().root().toString();
        CountDownLatch stop = new CountDownLatch(1);
        try (Signals ignored = Signals.handle(sig -> stop.countDown(), "INT", "TERM", "HUP")) {
            spec.commandLine().getOut().println("nstrace agent ready (tracefs " + tracefs + "); waiting for "
                    + "nstrace kube record");
            spec.commandLine().getOut().flush();
            stop.await();
        }
        return 0;
    }
}
