package io.nstrace.cli;

import io.nstrace.error.ExitCodes;
import io.nstrace.kube.Installer;
import io.nstrace.kube.KubeApi;
import io.nstrace.kube.Manifests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nstrace kube uninstall}: every nstrace instance on every node removed, then the manifests' objects. */
@Command(name = "uninstall", mixinStandardHelpOptions = true,
        description = {"Remove every nstrace tracing instance on every node (nstrace reset --all in each agent pod), "
                + "then the DaemonSet, roles, ServiceAccount and namespace that install made."})
public final class KubeUninstallCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KubeConnection connection;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> failed;
        try (KubeApi api = connection.connect()) {
            failed = new Installer(api).uninstall(Manifests.load(null), line -> {
                out.println(line);
                out.flush();
            });
        }
        if (!failed.isEmpty()) {
            spec.commandLine().getErr().println("nstrace kube uninstall: instances may be left on node(s) "
                    + String.join(", ", failed) + ": run nstrace reset --all there");
            spec.commandLine().getErr().flush();
            return ExitCodes.ENVIRONMENT;
        }
        return 0;
    }
}
