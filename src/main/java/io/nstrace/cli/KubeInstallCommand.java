package io.nstrace.cli;

import io.nstrace.kube.Installer;
import io.nstrace.kube.KubeApi;
import io.nstrace.kube.Manifests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code nstrace kube install [--dry-run] [--image IMAGE]}: the agent's manifests applied (or printed). */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Apply the node agent: namespace nstrace, its ServiceAccount, the client roles "
                + "(ClusterRole nstrace-client, Role nstrace-tracer) and the DaemonSet nstrace-agent (hostPID, "
                + "tracefs and runtime state mounted, only CAP_SYS_PTRACE). Its pods wait idle until a record."})
public final class KubeInstallCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KubeConnection connection;

    @Option(names = "--dry-run", description = "Print the manifests (YAML) instead of applying them.")
    boolean dryRun;

    @Option(names = "--image", paramLabel = "IMAGE",
            description = "The agent's image (default nstrace:0.1.0: load it on the nodes, or push it and name it here).")
    String image;

    @Override
    public Integer call() {
        Manifests m = Manifests.load(image);
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            out.print(m.yaml());
            out.flush();
            return 0;
        }
        try (KubeApi api = connection.connect()) {
            new Installer(api).install(m, name -> {
                out.println("applied " + name);
                out.flush();
            });
        }
        out.println("nstrace agent installed: kubectl -n " + Manifests.NAMESPACE + " get pods (one per node)");
        out.flush();
        return 0;
    }
}
