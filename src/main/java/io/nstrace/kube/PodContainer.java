package io.nstrace.kube;

/**
 * One running container of a pod, as the API server reports it.
 *
 * @param node        spec.nodeName
 * @param containerId status.containerStatuses[].containerID without its runtime prefix (the id the node's runtime
 *                    and nstrace's discovery know it by)
 * @param runtime     that prefix (containerd, cri-o, docker)
 * @param podUid      metadata.uid: a pod replaced under the same name has another
 * @param restarts    restartCount when resolved
 */
public record PodContainer(String node, String namespace, String pod, String container, String containerId,
                           String runtime, String podUid, int restarts) {
    /** {@code namespace/pod/container}: nstrace's own k8s selector form. */
    public String path() {
        return namespace + "/" + pod + "/" + container;
    }
}
