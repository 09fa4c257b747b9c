package io.nstrace.discovery;

import io.nstrace.format.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Readers of the runtimes' state files; each answers null/empty when the file is missing or malformed. */
final class StateFiles {
    private StateFiles() {
    }

    static Optional<Object> json(Path file) {
        try {
            return Optional.ofNullable(Json.parse(Files.readString(file)));
        } catch (IOException | IllegalArgumentException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** Docker's {@code containers/<id>/config.v2.json}: {@code Name} ("/web"), {@code Config.Image}, labels. */
    static RuntimeRecords.Info dockerConfig(Path file) {
        return json(file).map(j -> withLabels(stripSlash(Json.string(j, "Name")), Json.string(j, "Config", "Image"),
                Json.at(j, "Config", "Labels"))).orElse(null);
    }

    /**
     * containers-storage's containers.json and volatile-containers.json (Podman): each entry has {@code id},
     * {@code names[]} and {@code metadata}, a JSON string holding {@code image-name}.
     */
    static Map<String, RuntimeRecords.Info> podmanContainers(Path storage) {
        Map<String, RuntimeRecords.Info> out = new HashMap<>();
        for (String file : List.of("containers.json", "volatile-containers.json")) {
            Object root = json(storage.resolve(file)).orElse(null);
            if (!(root instanceof List<?> list)) {
                continue;
            }
            for (Object c : list) {
                String id = Json.string(c, "id");
                if (id == null) {
                    continue;
                }
                String image = null;
                String metadata = Json.string(c, "metadata");
                if (metadata != null) {
                    try {
                        image = Json.string(Json.parse(metadata), "image-name");
                    } catch (IllegalArgumentException e) {
                        image = null;
                    }
                }
                out.put(id, new RuntimeRecords.Info(Json.string(c, "names", 0), image, null, null));
            }
        }
        return out;
    }

    /** OCI bundle annotations, containerd CRI keys first, then CRI-O's, then nerdctl's name. */
    static RuntimeRecords.Info fromAnnotations(Map<?, ?> a) {
        String pod = first(a, "io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name");
        String ns = first(a, "io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace");
        String image = first(a, "io.kubernetes.cri.image-name", "io.kubernetes.cri-o.ImageName");
        String type = first(a, "io.kubernetes.cri.container-type", "io.kubernetes.cri-o.ContainerType");
        String name = first(a, "io.kubernetes.cri.container-name", "io.kubernetes.container.name", "nerdctl/name");
        if ("sandbox".equals(type) && pod != null) {
            name = pod + "-sandbox";
        }
        return new RuntimeRecords.Info(name, image, pod, ns);
    }

    /** An API or config record, with Kubernetes labels (cri-dockerd) where present. */
    static RuntimeRecords.Info withLabels(String name, String image, Object labels) {
        if (labels instanceof Map<?, ?> l && l.get("io.kubernetes.pod.name") instanceof String pod) {
            String container = first(l, "io.kubernetes.container.name");
            String type = first(l, "io.kubernetes.docker.type");
            return new RuntimeRecords.Info("podsandbox".equals(type) ? pod + "-sandbox"
                    : container != null ? container : name, image, pod, first(l, "io.kubernetes.pod.namespace"));
        }
        return new RuntimeRecords.Info(name, image, null, null);
    }

    static String stripSlash(String name) {
        return name != null && name.startsWith("/") ? name.substring(1) : name;
    }

    /** KEY=VALUE lines (systemd's machine records); comments and blank lines ignored. */
    static Map<String, String> envFile(List<String> lines) {
        Map<String, String> out = new HashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return out;
    }

    private static String first(Map<?, ?> m, String... keys) {
        for (String k : keys) {
            if (m.get(k) instanceof String s && !s.isEmpty()) {
                return s;
            }
        }
        return null;
    }
}
