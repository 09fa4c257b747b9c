/**
 * nstrace across a Kubernetes cluster, with the API server as the only transport (fabric8's client): the node
 * agent's manifests, target resolution (pods, deployments, nodes, label selectors), one exec per node streaming
 * that node's trace.dat to disk, and the merged JSON Lines and summary. Between session and cli: cli's kube
 * commands are its only users, and nothing below it knows Kubernetes.
 */
package io.nstrace.kube;
