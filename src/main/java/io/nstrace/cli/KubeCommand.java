package io.nstrace.cli;

import io.nstrace.cli.context.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code nstrace kube ...}: the cluster, through the API server. Its subcommands load the Kubernetes client only
 * when they run (never for any other command): their fields and signatures name no fabric8 type.
 */
@Command(name = "kube", mixinStandardHelpOptions = true,
        description = {"Trace pods across a Kubernetes cluster, the API server the only transport (also as kubectl nstrace).",
                "install the node agent (a DaemonSet), record TARGET..., ps, uninstall."},
        subcommands = {KubeInstallCommand.class, KubeRecordCommand.class, KubePsCommand.class,
                KubeUninstallCommand.class, KubeAgentCommand.class})
public final class KubeCommand implements Callable<Integer> {
    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    Services services() {
        return parent.services();
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "give a subcommand: install, record, ps or uninstall");
    }
}
