package io.nstrace.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The node agent's manifests (src/main/kubernetes/nstrace.yaml, in the jar beside this class), parsed with
 * fabric8's model classes: Namespace, ServiceAccount, the client's ClusterRole and Role, the DaemonSet. The image
 * is the one thing install changes.
 */
public final class Manifests {
    public static final String RESOURCE = "nstrace.yaml";
    /** Where the agents run (the manifests' namespace). */
    public static final String NAMESPACE = "nstrace";
    public static final String DAEMONSET = "nstrace-agent";

    private final List<HasMetadata> items;

    private Manifests(List<HasMetadata> items) {
        this.items = items;
    }

    /** The manifests from the jar, the DaemonSet's image set to {@code image} (null keeps the file's). */
    public static Manifests load(String image) {
        try (InputStream in = Manifests.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("manifest " + RESOURCE + " missing from the jar");
            }
            return parse(in, image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a multi-document YAML into model objects (fails on an unknown kind or field type). */
    public static Manifests parse(InputStream yaml, String image) {
        Object parsed = new KubernetesSerialization().unmarshal(yaml);
        List<HasMetadata> items = new ArrayList<>();
        if (parsed instanceof List<?> list) {
            list.forEach(o -> items.add((HasMetadata) o));
        } else if (parsed instanceof KubernetesList kl) {
            items.addAll(kl.getItems());
        } else {
            items.add((HasMetadata) parsed);
        }
        if (image != null) {
            items.stream().filter(DaemonSet.class::isInstance).map(DaemonSet.class::cast)
                    .forEach(d -> d.getSpec().getTemplate().getSpec().getContainers().forEach(c -> c.setImage(image)));
        }
        return new Manifests(List.copyOf(items));
    }

    public List<HasMetadata> items() {
        return items;
    }

    public DaemonSet daemonSet() {
        return items.stream().filter(DaemonSet.class::isInstance).map(DaemonSet.class::cast).findFirst()
                .orElseThrow();
    }

    /** The manifests as one multi-document YAML (what install --dry-run prints, what install applies). */
    public String yaml() {
        KubernetesSerialization s = new KubernetesSerialization();
        StringBuilder b = new StringBuilder();
        for (HasMetadata h : items) {
            String doc = s.asYaml(h);
            b.append(doc.startsWith("---") ? doc : "---\n" + doc);
            if (!doc.endsWith("\n")) {
                b.append('\n');
            }
        }
        return b.toString();
    }

    /** {@code Kind/name} of each item (namespace/name for namespaced ones), in apply order. */
    public List<String> names() {
        return items.stream().map(Manifests::name).toList();
    }

    static String name(HasMetadata h) {
        String ns = h.getMetadata().getNamespace();
        return h.getKind() + "/" + (ns == null ? "" : ns + "/") + h.getMetadata().getName();
    }
}
