package io.nstrace.kube;

import java.util.List;

/**
 * What the user asked to trace: TARGETs, in {@code namespace} (null with -A: every namespace), narrowed by a
 * label selector ({@code -l}, null for none) and a container name ({@code -c}, null for all of a pod's).
 */
public record Scope(List<Target> targets, String namespace, String labelSelector, String container) {
    public Scope {
        targets = List.copyOf(targets);
    }

    public boolean allNamespaces() {
        return namespace == null;
    }
}
