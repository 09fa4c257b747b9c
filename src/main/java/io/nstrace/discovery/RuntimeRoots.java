package io.nstrace.discovery;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the container runtimes keep their sockets and state: injectable so tests point them at temp dirs.
 *
 * @param dockerSocket     Docker API socket ({@code /var/run/docker.sock}), or null: state files only
 * @param dockerRoot       Docker state ({@code /var/lib/docker}: {@code containers/<id>/config.v2.json})
 * @param podmanSocket     Podman API socket ({@code /run/podman/podman.sock}), or null: state files only
 * @param podmanStorage    Podman/containers-storage ({@code /var/lib/containers/storage/overlay-containers})
 * @param containerdTasks  containerd task bundles ({@code /run/containerd/io.containerd.runtime.v2.task})
 * @param crioStorage      CRI-O bundles ({@code /run/containers/storage/overlay-containers/<id>/userdata})
 * @param machines         systemd-nspawn machine records ({@code /run/systemd/machines})
 * @param apiTimeout       the deadline of one API request
 */
public record RuntimeRoots(Path dockerSocket, Path dockerRoot, Path podmanSocket, Path podmanStorage,
                           Path containerdTasks, Path crioStorage, Path machines, Duration apiTimeout) {

    /** The standard locations on a host. */
    public static RuntimeRoots defaults() {
        return under(Path.of("/"));
    }

    /** The standard locations below {@code base} (a fake host root in tests). */
    public static RuntimeRoots under(Path base) {
        return new RuntimeRoots(base.resolve("var/run/docker.sock"), base.resolve("var/lib/docker"),
                base.resolve("run/podman/podman.sock"), base.resolve("var/lib/containers/storage/overlay-containers"),
                base.resolve("run/containerd/io.containerd.runtime.v2.task"),
                base.resolve("run/containers/storage/overlay-containers"), base.resolve("run/systemd/machines"),
                Duration.ofMillis(150));
    }

    /**
     * These roots without the API sockets: runtimes are identified from their state files only. The APIs answer
     * slowly while the daemon is busy starting a container (tens to hundreds of ms under load), which is exactly
     * when {@code record --wait} scans; Docker's config.v2.json and Podman's containers.json exist from create.
     */
    public RuntimeRoots withoutApis() {
        return new RuntimeRoots(null, dockerRoot, null, podmanStorage, containerdTasks, crioStorage, machines,
                apiTimeout);
    }

    /**
     * The roots that go with a procfs root: the host's for {@code /proc}, else those under the fake proc's
     * parent directory (a fixture {@code T/proc} has its runtime state under {@code T/var}, {@code T/run}).
     */
    public static RuntimeRoots forProc(Path proc) {
        Path abs = proc.toAbsolutePath().normalize();
        return abs.equals(Path.of("/proc")) || abs.getParent() == null ? defaults() : under(abs.getParent());
    }
}
