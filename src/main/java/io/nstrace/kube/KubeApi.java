package io.nstrace.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;

import java.io.File;
import java.util.function.Supplier;

/**
 * The API server as nstrace uses it: one fabric8 client (kubeconfig, its context, or the in-cluster service
 * account, as kubectl finds them) and every call made through {@link #call}, which turns the client's failures
 * into one-line errors naming what was asked: a 403 names the verb and resource RBAC refused.
 */
public final class KubeApi implements AutoCloseable {
    private final KubernetesClient client;

    public KubeApi(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Connects as kubectl would: {@code kubeconfig} (else $KUBECONFIG, ~/.kube/config, else the in-cluster
     * service account), its {@code context} or the current one. Nothing is sent until the first call.
     */
    public static KubeApi connect(String kubeconfig, String context) {
        Config config;
        if (kubeconfig != null) {
            File f = new File(kubeconfig);
            if (!f.isFile()) {
                throw NstraceException.user("no kubeconfig file " + kubeconfig);
            }
            config = Config.fromKubeconfig(context, f);
        } else {
            config = Config.autoConfigure(context);
        }
        return new KubeApi(new KubernetesClientBuilder().withConfig(config).build());
    }

    public KubernetesClient client() {
        return client;
    }

    /** The namespace of the kubeconfig's context ("default" when it names none). */
    public String defaultNamespace() {
        String ns = client.getNamespace();
        return ns == null || ns.isEmpty() ? "default" : ns;
    }

    /**
     * Runs {@code request}; a refusal becomes an error naming {@code verb} on {@code resource} (in {@code namespace}
     * when not null): 403 exit 3 with the RBAC rule missing, 401, an unreachable server and others exit 3 too.
     */
    public <T> T call(String verb, String resource, String namespace, Supplier<T> request) {
        try {
            return request.get();
        } catch (KubernetesClientException e) {
            throw failure(e, verb, resource, namespace);
        }
    }

    /** {@code e} as one line naming {@code verb} {@code resource} (see {@link #call}). */
    public NstraceException failure(KubernetesClientException e, String verb, String resource, String namespace) {
        String where = namespace == null ? "cluster-wide" : "in namespace " + namespace;
        String server = client.getMasterUrl() == null ? "the API server" : client.getMasterUrl().toString();
        return switch (code(e)) {
            case 403 -> new NstraceException(ExitCodes.ENVIRONMENT, "forbidden: RBAC does not let you " + verb
                    + " " + resource + " " + where + " (grant verb '" + verb + "' on resource '" + resource
                    + "'; README, Kubernetes: RBAC)", e);
            case 401 -> new NstraceException(ExitCodes.ENVIRONMENT, "unauthorized by " + server
                    + " (kubeconfig credentials) to " + verb + " " + resource, e);
            case 0 -> new NstraceException(ExitCodes.ENVIRONMENT, "cannot reach the API server " + server + " to "
                    + verb + " " + resource + ": " + rootMessage(e), e);
            default -> new NstraceException(ExitCodes.ENVIRONMENT, "the API server refused to " + verb + " "
                    + resource + " " + where + ": " + code(e) + " " + statusMessage(e), e);
        };
    }

    /**
     * The HTTP status of {@code e}: its own, or for a refused WebSocket upgrade (exec) the one its message names
     * ("Unexpected HTTP response status code 403"), or 0 when there was no answer.
     */
    static int code(KubernetesClientException e) {
        if (e.getCode() > 0) {
            return e.getCode();
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            java.util.regex.Matcher m = t.getMessage() == null ? null
                    : HTTP_STATUS.matcher(t.getMessage());
            if (m != null && m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return 0;
    }

    private static final java.util.regex.Pattern HTTP_STATUS =
            java.util.regex.Pattern.compile("response status code (\\d{3})");

    private static String statusMessage(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : rootMessage(e);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return (m == null ? t.getClass().getSimpleName() : m).lines().findFirst().orElse("").strip();
    }

    @Override
    public void close() {
        client.close();
    }
}
