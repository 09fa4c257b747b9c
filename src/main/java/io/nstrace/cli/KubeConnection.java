package io.nstrace.cli;

import io.nstrace.kube.KubeApi;
import picocli.CommandLine.Option;

/** Which cluster and as whom: {@code --kubeconfig}, {@code --context} (kubectl's defaults otherwise). */
public final class KubeConnection {
    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, else the in-cluster service account).")
    String kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "The kubeconfig context (default: its current one).")
    String context;

    KubeApi connect() {
        return KubeApi.connect(kubeconfig, context);
    }
}
