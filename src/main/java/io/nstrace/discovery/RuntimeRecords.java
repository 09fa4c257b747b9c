package io.nstrace.discovery;

import io.nstrace.format.json.Json;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runtimes' own records of a container: name, image, pod. Docker's and Podman's state files are read
 * first; their API ({@code GET /containers/json}, all containers in one reply, at most once per scan, with a
 * short deadline) is asked only for a container the files cannot name, so a busy daemon never delays ps;
 * containerd and CRI-O through their bundles' OCI config.json annotations; nspawn through
 * /run/systemd/machines. One instance serves one scan; every miss is just "unknown".
 */
final class RuntimeRecords {
    private final RuntimeRoots roots;
    private Map<String, Info> docker;
    private Map<String, Info> podman;
    private boolean podmanApiAsked;
    private Map<String, Map<String, String>> machines;

    RuntimeRecords(RuntimeRoots roots) {
        this.roots = roots;
    }

    /** What a runtime says about one container; fields null when unknown. */
    record Info(String name, String image, String pod, String k8sNamespace) {
    }

    /** The record for a container the cgroup path attributed, or null. */
    Info lookup(CgroupIdentity who) {
        return switch (who.runtime()) {
            case "docker" -> who.id() == null ? null : dockerInfo(who.id());
            case "podman" -> who.id() == null ? null : podmanInfo(who.id());
            case "containerd" -> who.id() == null ? null : bundle(containerdBundle(who.id()));
            case "cri-o" -> who.id() == null ? null
                    : bundle(roots.crioStorage().resolve(who.id()).resolve("userdata/config.json"));
            default -> null;
        };
    }

    /** The state file first (what the disk says costs no daemon round trip); the API only for what it lacks. */
    private Info dockerInfo(String id) {
        Info f = StateFiles.dockerConfig(roots.dockerRoot().resolve("containers").resolve(id).resolve("config.v2.json"));
        if (f != null) {
            return f;
        }
        if (docker == null) {
            docker = ApiRecords.list(roots.dockerSocket(), "/containers/json", roots.apiTimeout());
        }
        return docker.get(id);
    }

    /** containers-storage's records first; the API (asked once per scan) only for a container they lack. */
    private Info podmanInfo(String id) {
        if (podman == null) {
            podman = new HashMap<>(StateFiles.podmanContainers(roots.podmanStorage()));
        }
        Info f = podman.get(id);
        if (f != null || podmanApiAsked) {
            return f;
        }
        podmanApiAsked = true;
        ApiRecords.list(roots.podmanSocket(), "/containers/json", roots.apiTimeout()).forEach(podman::putIfAbsent);
        return podman.get(id);
    }

    private Path containerdBundle(String id) {
        if (!Files.isDirectory(roots.containerdTasks())) {
            return null;
        }
        try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(roots.containerdTasks())) {
            for (Path ns : namespaces) {
                Path config = ns.resolve(id).resolve("config.json");
                if (Files.exists(config)) {
                    return config;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static Info bundle(Path config) {
        if (config == null) {
            return null;
        }
        Object annotations = StateFiles.json(config).map(j -> Json.at(j, "annotations")).orElse(null);
        return annotations instanceof Map<?, ?> m ? StateFiles.fromAnnotations(m) : null;
    }

    /** The nspawn machine named {@code name} or led by {@code leader}: its name, or null. */
    String machine(String name, int leader) {
        if (machines == null) {
            machines = readMachines(roots.machines());
        }
        if (name != null && machines.containsKey(name)) {
            return name;
        }
        String pid = Integer.toString(leader);
        for (Map.Entry<String, Map<String, String>> m : machines.entrySet()) {
            if (pid.equals(m.getValue().get("LEADER"))) {
                return m.getValue().getOrDefault("NAME", m.getKey());
            }
        }
        return null;
    }

    /** Every machine record of the directory, by file name, read once per scan. */
    private static Map<String, Map<String, String>> readMachines(Path dir) {
        Map<String, Map<String, String>> out = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String file = p.getFileName().toString();
                if (Files.isRegularFile(p) && !file.startsWith("unit:")) {
                    out.put(file, StateFiles.envFile(Files.readAllLines(p)));
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return out;
        }
        return out;
    }

    /** Docker-compatible API listings (Docker, and Podman's compat endpoint). */
    static final class ApiRecords {
        private ApiRecords() {
        }

        static Map<String, Info> list(Path socket, String path, java.time.Duration timeout) {
            if (socket == null) {
                return Map.of();
            }
            Optional<String> body = UnixHttp.get(socket, path, timeout);
            return body.map(ApiRecords::parse).orElse(Map.of());
        }

        static Map<String, Info> parse(String body) {
            Map<String, Info> out = new HashMap<>();
            Object root;
            try {
                root = Json.parse(body);
            } catch (IllegalArgumentException e) {
                return out;
            }
            if (!(root instanceof List<?> list)) {
                return out;
            }
            for (Object c : list) {
                String id = Json.string(c, "Id");
                if (id != null) {
                    Object labels = Json.at(c, "Labels");
                    out.put(id, StateFiles.withLabels(StateFiles.stripSlash(Json.string(c, "Names", 0)),
                            Json.string(c, "Image"), labels));
                }
            }
            return out;
        }
    }
}
