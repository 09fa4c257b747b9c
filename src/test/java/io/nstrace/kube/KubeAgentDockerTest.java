package io.nstrace.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.nstrace.format.json.Json;
import io.nstrace.testing.Require;
import io.nstrace.testing.Runtimes;
import io.nstrace.testing.Runtimes.Exec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent half for real: the packaged image (target/dist/nstrace-VERSION-oci.tar, from scripts/package) run as a
 * Docker container with the DaemonSet's settings, read from the manifests (hostPID, only SYS_PTRACE, read-only
 * root, no new privileges, uid 0, the hostPath mounts, the spool as a scratch directory, args kube agent); then the
 * exact command the client sends through the exec subresource run in it with {@code docker exec -i}, recording a
 * sibling container selected by its id, stopped by the client's stop line. trace-cmd reads the trace; no instance
 * of that recording is left on the host.
 */
class KubeAgentDockerTest {
    /** Set by scripts/test-package once it has built the image (the Maven stage runs before any package exists). */
    private static final String DIST_PROPERTY = "nstrace.dist";
    private final String tag = "nstrace-kube-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> containers = new ArrayList<>();
    private String image;
    @TempDir
    Path dir;

    @AfterEach
    void cleanup() {
        for (String c : containers) {
            Runtimes.docker().remove(c);
        }
        if (image != null) {
            Exec.quiet(Duration.ofSeconds(60), "docker", "rmi", "-f", image);
        }
    }

    @Test
    void theImageRecordsASiblingByIdAsTheClientAsks() throws Exception {
        Require.kernel();
        Require.traceCmd();
        Require.that(Require.DOCKER, Runtimes.docker().available(), "docker info fails");
        Path archive = archive();
        image = importImage(archive);
        Runtimes.docker().ensureImage();

        String sibling = tag + "-sibling";
        containers.add(sibling);
        String siblingId = Runtimes.docker().runDetached(sibling,
                "while true; do /bin/ls / >/dev/null; /bin/cat /etc/hostname >/dev/null; sleep 0.2; done");

        String agent = tag + "-agent";
        containers.add(agent);
        Exec.Result run = Exec.run(Duration.ofMinutes(1), agentRun(agent).toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        awaitLog(agent, "nstrace agent ready");

        List<String> command = RemoteCommand.record(List.of(siblingId), null, List.of());
        List<String> dockerExec = new ArrayList<>(List.of("docker", "exec", "-i", agent));
        dockerExec.addAll(command);
        Path trace = dir.resolve("node.dat");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(dockerExec).redirectOutput(trace.toFile()).redirectError(err.toFile()).start();
        try (OutputStream stdin = p.getOutputStream()) {
            String instancePart = io.nstrace.session.InstanceNames.sanitise(sibling);
            awaitInstance(instancePart, true, p);
            Thread.sleep(2000); // events of the sibling's loop
            stdin.write("stop\n".getBytes(StandardCharsets.US_ASCII)); // what Ctrl-C on the client sends
            stdin.flush();
            assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the recording stopped");
            assertEquals(0, p.exitValue(), Files.readString(err));
            awaitInstance(instancePart, false, null);
        } finally {
            p.destroyForcibly();
        }
        String stderr = Files.readString(err);
        assertTrue(stderr.contains("nstrace record: " + sibling + ":"), stderr);

        Exec.Result report = Exec.run(Duration.ofMinutes(2), "trace-cmd", "report", trace.toString());
        assertEquals(0, report.exitCode(), report.err());
        long ls = report.out().lines().filter(l -> l.contains("sched_process_exec") && l.contains("/bin/ls")).count();
        assertTrue(ls > 0, "trace-cmd sees the sibling's execs: " + report.out().lines().limit(20).toList());
        // the trace names the sibling by the id the client selected it with
        var data = io.nstrace.format.tracedat.TraceDatReader.read(trace);
        assertEquals(List.of(siblingId), data.options().containers().containers().stream()
                .map(io.nstrace.format.ContainerMap.ContainerInfo::id).toList());
    }

    /**
     * The image archive scripts/package wrote, in the directory -Dnstrace.dist names: scripts/test-package runs this
     * test there, after building it (as the scenario kube-agent); without the property the test is not run here.
     */
    private static Path archive() throws IOException {
        String dist = System.getProperty(DIST_PROPERTY);
        org.junit.jupiter.api.Assumptions.assumeTrue(dist != null,
                "runs in scripts/test-package (kube-agent), once the image is built");
        Path found = null;
        if (Files.isDirectory(Path.of(dist))) {
            try (Stream<Path> s = Files.list(Path.of(dist))) {
                found = s.filter(f -> f.getFileName().toString().endsWith("-oci.tar")).findFirst().orElse(null);
            }
        }
        Require.that("package", found != null, "no *-oci.tar in " + dist + ": run scripts/package");
        return found;
    }

    /**
     * The archive's one layer imported under a tag of this test's own (a docker load would take the shared
     * nstrace:VERSION name other builds use), with the archive's entrypoint and working directory; checks that
     * entrypoint is the one the client execs as nstrace.
     */
    private String importImage(Path archive) throws IOException {
        Path x = Files.createDirectories(dir.resolve("oci"));
        Exec.Result untar = Exec.run(Duration.ofMinutes(2), "tar", "-C", x.toString(), "-xf", archive.toString());
        assertEquals(0, untar.exitCode(), untar.err());
        Object manifest = ((List<?>) Json.parse(Files.readString(x.resolve("manifest.json")))).getFirst();
        String config = Json.string(manifest, "Config");
        List<?> entrypoint = (List<?>) Json.at(Json.parse(Files.readString(x.resolve(config))), "config",
                "Entrypoint");
        assertEquals(RemoteCommand.NSTRACE, entrypoint, "the client's nstrace is the image's entrypoint");
        String layer = (String) ((List<?>) Json.at(manifest, "Layers")).getFirst();
        String ref = tag + ":agent";
        Exec.Result imp = Exec.run(Duration.ofMinutes(3), "docker", "import",
                "--change", "ENTRYPOINT " + Json.write(entrypoint), "--change", "WORKDIR /out",
                x.resolve(layer).toString(), ref);
        assertEquals(0, imp.exitCode(), imp.err());
        return ref;
    }

    /** docker run with the DaemonSet's pod settings, taken from the manifests. */
    private List<String> agentRun(String name) throws IOException {
        PodSpec pod = Manifests.load(null).daemonSet().getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().getFirst();
        List<String> cmd = new ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--network", "none"));
        if (Boolean.TRUE.equals(pod.getHostPID())) {
            cmd.add("--pid=host");
        }
        var sc = c.getSecurityContext();
        cmd.addAll(List.of("--user", String.valueOf(sc.getRunAsUser())));
        cmd.addAll(List.of("--cap-drop", String.join(",", sc.getCapabilities().getDrop())));
        for (String cap : sc.getCapabilities().getAdd()) {
            cmd.addAll(List.of("--cap-add", cap));
        }
        if (Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
            cmd.add("--read-only");
        }
        if (Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
            cmd.addAll(List.of("--security-opt", "no-new-privileges"));
        }
        Map<String, Volume> volumes = new java.util.HashMap<>();
        pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        for (VolumeMount m : c.getVolumeMounts()) {
            Volume v = volumes.get(m.getName());
            String source;
            if (v.getHostPath() != null) {
                source = v.getHostPath().getPath();
                if ("DirectoryOrCreate".equals(v.getHostPath().getType())) {
                    Files.createDirectories(Path.of(source));
                }
            } else {
                source = Files.createDirectories(dir.resolve("volume-" + m.getName())).toString(); // emptyDir
            }
            cmd.addAll(List.of("-v", source + ":" + m.getMountPath() + (Boolean.TRUE.equals(m.getReadOnly())
                    ? ":ro" : "")));
        }
        cmd.add(image);
        cmd.addAll(c.getArgs());
        return cmd;
    }

    private static void awaitLog(String container, String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        String logs = "";
        while (System.nanoTime() < deadline) {
            Exec.Result r = Exec.quiet(Duration.ofSeconds(30), "docker", "logs", container);
            logs = r.out() + r.err();
            if (logs.contains(line)) {
                return;
            }
            Exec.Result state = Exec.quiet(Duration.ofSeconds(30), "docker", "inspect", "-f", "{{.State.Running}}",
                    container);
            assertFalse(state.out().strip().equals("false"), "the agent exited: " + logs);
            Thread.sleep(300);
        }
        throw new AssertionError("the agent never said '" + line + "': " + logs);
    }

    /** Waits until an instance named for the sibling exists ({@code present}) or is gone. */
    private static void awaitInstance(String part, boolean present, Process recorder) throws Exception {
        Path instances = Require.kernel().resolve("instances");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            boolean there;
            try (Stream<Path> s = Files.list(instances)) {
                there = s.anyMatch(i -> i.getFileName().toString().startsWith("nstrace-" + part + "-"));
            }
            if (there == present) {
                return;
            }
            if (recorder != null && !recorder.isAlive()) {
                throw new AssertionError("the recording ended before its instance appeared: exit "
                        + recorder.exitValue());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("instance nstrace-" + part + "-* " + (present ? "never appeared" : "was left behind"));
    }
}
