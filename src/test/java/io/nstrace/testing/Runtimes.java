package io.nstrace.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Docker and Podman driven through their CLIs for real tests. Images come from the host's busybox-static
 * (no registry here): {@code busybox:local} / {@code localhost/busybox:local}.
 */
public final class Runtimes {
    private static final Runtimes DOCKER = new Runtimes("docker", "busybox:local");
    private static final Runtimes PODMAN = new Runtimes("podman", "localhost/busybox:local");

    private final String cli;
    private final String image;
    private Boolean available;
    private boolean imported;

    private Runtimes(String cli, String image) {
        this.cli = cli;
        this.image = image;
    }

    public static Runtimes docker() {
        return DOCKER;
    }

    public static Runtimes podman() {
        return PODMAN;
    }

    public String image() {
        return image;
    }

    public synchronized boolean available() {
        if (available == null) {
            available = Exec.quiet(Duration.ofSeconds(20), cli, "info").exitCode() == 0;
        }
        return available;
    }

    /** Imports the busybox image once per JVM if the runtime does not have it yet. */
    public synchronized void ensureImage() {
        if (imported || Exec.quiet(Duration.ofSeconds(20), cli, "image", "inspect", image).exitCode() == 0) {
            imported = true;
            return;
        }
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isExecutable(busybox)) {
            throw new IllegalStateException("/bin/busybox missing: apt-get install busybox-static");
        }
        try {
            Path root = Files.createTempDirectory("nstrace-rootfs");
            Path bin = Files.createDirectories(root.resolve("bin"));
            Files.copy(busybox, bin.resolve("busybox"));
            for (String applet : List.of("sh", "sleep", "cat", "ls", "ps", "dd", "true", "echo", "hostname",
                    "wc", "head", "seq", "yes", "top", "env", "id")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
            Files.createDirectories(root.resolve("etc"));
            Files.createDirectories(root.resolve("tmp"));
            Files.writeString(root.resolve("etc/hostname"), "busybox\n");
            Exec.Result r = Exec.run(Duration.ofMinutes(2), "sh", "-c",
                    "tar -C '" + root + "' -c . | " + cli + " import - " + image);
            if (r.exitCode() != 0) {
                throw new IllegalStateException(cli + " import failed: " + r.err());
            }
            Exec.run(Duration.ofSeconds(10), "rm", "-rf", root.toString());
            imported = true;
        } catch (IOException e) {
            throw new IllegalStateException("cannot build busybox rootfs", e);
        }
    }

    /** {@code <cli> run -d --name NAME --network none IMAGE sh -c SCRIPT}; returns the full id. */
    public String runDetached(String name, String script) {
        Exec.Result r = Exec.run(Duration.ofMinutes(1), cli, "run", "-d", "--name", name, "--network", "none",
                image, "sh", "-c", script);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(cli + " run " + name + " failed: " + r.err());
        }
        return r.out().strip();
    }

    /** Host PID of the container's init process. */
    public int initPid(String name) {
        return Integer.parseInt(Exec.run(Duration.ofSeconds(20), cli, "inspect", "-f", "{{.State.Pid}}", name)
                .out().strip());
    }

    /** Force-removes the container; never throws (used in cleanup). */
    public void remove(String name) {
        Exec.quiet(Duration.ofSeconds(60), cli, "rm", "-f", name);
    }

    public String cli() {
        return cli;
    }

    /** Runs a command line through this runtime's CLI. */
    public Exec.Result exec(String... args) {
        List<String> all = new ArrayList<>();
        all.add(cli);
        all.addAll(List.of(args));
        return Exec.run(Duration.ofMinutes(1), all.toArray(String[]::new));
    }

    /** A small helper to run external commands with a timeout and captured output. */
    public static final class Exec {
        private Exec() {
        }

        public record Result(int exitCode, String out, String err) {
        }

        public static Result quiet(Duration timeout, String... command) {
            try {
                return run(timeout, command);
            } catch (RuntimeException e) {
                return new Result(-1, "", String.valueOf(e.getMessage()));
            }
        }

        public static Result run(Duration timeout, String... command) {
            try {
                Path out = Files.createTempFile("nstrace-exec", ".out");
                Path err = Files.createTempFile("nstrace-exec", ".err");
                try {
                    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        p.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.destroyForcibly();
                        throw new IllegalStateException("timed out: " + String.join(" ", command));
                    }
                    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                            Files.readString(err, StandardCharsets.UTF_8));
                } finally {
                    Files.deleteIfExists(out);
                    Files.deleteIfExists(err);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
            }
        }
    }
}
