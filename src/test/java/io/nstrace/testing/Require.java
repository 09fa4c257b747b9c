package io.nstrace.testing;

import io.nstrace.sys.Libc;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Gates the tests that need something real: the live kernel's tracefs, Docker, Podman, the second kernel
 * (vm), trace-cmd, asciidoctor and protoc. Where the thing is missing the test is skipped, unless NSTRACE_REQUIRE names it (CI sets
 * {@code NSTRACE_REQUIRE=kernel,docker,podman,vm,trace-cmd,asciidoctor,protoc}): then it fails, so a green CI run proves it ran.
 */
public final class Require {
    public static final String KERNEL = "kernel";
    public static final String DOCKER = "docker";
    public static final String PODMAN = "podman";
    public static final String VM = "vm";
    public static final String TRACE_CMD = "trace-cmd";
    public static final String ASCIIDOCTOR = "asciidoctor";
    public static final String PROTOC = "protoc";

    private static final Set<String> REQUIRED = Arrays.stream(
                    System.getenv().getOrDefault("NSTRACE_REQUIRE", "").split(","))
            .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());

    private Require() {
    }

    public static boolean required(String what) {
        return REQUIRED.contains(what) || REQUIRED.contains("all");
    }

    /** Skips (or, when required, fails) unless {@code condition} holds. */
    public static void that(String what, boolean condition, String whyNot) {
        if (condition) {
            return;
        }
        if (required(what)) {
            Assertions.fail(what + " is required (NSTRACE_REQUIRE) but not available: " + whyNot);
        }
        Assumptions.abort(what + " not available: " + whyNot);
    }

    /** Root with a live tracefs that has instances and set_event_pid (mounted by {@link LiveTraceFs}). */
    public static Path kernel() {
        that(KERNEL, Libc.geteuid() == 0, "not root");
        Path root = LiveTraceFs.root();
        that(KERNEL, root != null && Files.isDirectory(root.resolve("instances"))
                && Files.exists(root.resolve("set_event_pid")), "no tracefs with instances/ and set_event_pid");
        return root;
    }

    /** trace-cmd installed (the oracle for trace.dat): /usr/bin/trace-cmd. */
    public static void traceCmd() {
        that(TRACE_CMD, Files.isExecutable(Path.of("/usr/bin/trace-cmd")), "/usr/bin/trace-cmd not installed");
    }

    /** asciidoctor installed, so the build's man-roff profile made the roff man pages. */
    public static void asciidoctor() {
        that(ASCIIDOCTOR, Files.isExecutable(Path.of("/usr/bin/asciidoctor")), "/usr/bin/asciidoctor not installed");
    }

    /** protoc installed (Debian's protobuf-compiler): decodes the Perfetto output against its .proto. */
    public static Path protoc() {
        Path p = Path.of("/usr/bin/protoc");
        that(PROTOC, Files.isExecutable(p), "/usr/bin/protoc not installed (protobuf-compiler)");
        return p;
    }

    /** A Docker daemon that answers, with the busybox:local image imported. */
    public static void docker() {
        kernel();
        that(DOCKER, Runtimes.docker().available(), "docker daemon not reachable");
        Runtimes.docker().ensureImage();
    }

    /** Podman that runs containers here, with localhost/busybox:local imported. */
    public static void podman() {
        kernel();
        that(PODMAN, Runtimes.podman().available(), "podman not installed or not working");
        Runtimes.podman().ensureImage();
    }
}
