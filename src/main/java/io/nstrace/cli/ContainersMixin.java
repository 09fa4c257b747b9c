package io.nstrace.cli;

import picocli.CommandLine.Parameters;

import java.util.List;

/** The container selectors of {@code attach} and {@code record} (with completion of live container names). */
public final class ContainersMixin {
    @Parameters(paramLabel = "SELECTOR", arity = "1..*", completionCandidates = ContainerCandidates.class,
            description = "Containers: name, id prefix, pid:PID, ns:INODE, k8s-ns/pod[/container], or a glob (web-*).")
    List<String> selectors;

    public List<String> selectors() {
        return selectors;
    }
}
