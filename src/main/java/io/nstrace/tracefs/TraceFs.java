package io.nstrace.tracefs;

import io.nstrace.error.NstraceException;
import io.nstrace.sys.Errno;
import io.nstrace.sys.Libc;
import io.nstrace.sys.NativeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A tracefs mount: found in the mount table, mounted when absent, or given by the user. Every path nstrace
 * touches in tracefs is resolved from {@link #root()}, so tests run the same code on a copied fixture tree.
 */
public final class TraceFs {
    static final Path DEFAULT_MOUNT = Path.of("/sys/kernel/tracing");
    static final Path DEBUGFS = Path.of("/sys/kernel/debug");

    private final Path root;

    public TraceFs(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path instancesDir() {
        return root.resolve("instances");
    }

    /** A file of the top-level instance, read only: nstrace never writes there. */
    public Path file(String relative) {
        return root.resolve(relative);
    }

    /**
     * The tracefs to use: {@code override} when given; else the tracefs (or debugfs/tracing) listed in
     * {@code <proc>/mounts}; else, on the real /proc only, mounts tracefs at /sys/kernel/tracing
     * (falling back to debugfs) as libtracefs does.
     */
    public static TraceFs locate(Path procRoot, Optional<Path> override) {
        if (override.isPresent()) {
            Path dir = override.get();
            if (!Files.isDirectory(dir)) {
                throw NstraceException.environment("no tracefs at " + dir + ": "
                        + (Files.exists(dir) ? "not a directory" : "no such directory"));
            }
            if (!Files.isDirectory(dir.resolve("events"))) {
                throw NstraceException.environment(dir + " is not a tracefs: no events/ directory");
            }
            return new TraceFs(dir);
        }
        Path mounts = procRoot.resolve("mounts");
        Optional<Path> found = MountTable.findTracing(read(mounts));
        if (found.isPresent()) {
            return new TraceFs(found.get());
        }
        if (!procRoot.equals(Path.of("/proc"))) {
            throw NstraceException.environment("no tracefs or debugfs mounted according to " + mounts
                    + "; give one with --tracefs DIR");
        }
        return new TraceFs(mountDefault());
    }

    private static Path mountDefault() {
        try {
            Libc.mount("nodev", DEFAULT_MOUNT.toString(), "tracefs", 0);
            return DEFAULT_MOUNT;
        } catch (NativeException tracefs) {
            if (tracefs.errno() == Errno.EPERM || tracefs.errno() == Errno.EACCES) {
                throw NstraceException.environment("cannot mount tracefs at " + DEFAULT_MOUNT
                        + ": permission denied; run nstrace as root (it needs CAP_SYS_ADMIN)");
            }
            try {
                if (!Files.isDirectory(DEBUGFS.resolve("tracing"))) {
                    Libc.mount("nodev", DEBUGFS.toString(), "debugfs", 0);
                }
                return DEBUGFS.resolve("tracing");
            } catch (NativeException debugfs) {
                throw NstraceException.environment("cannot mount tracefs at " + DEFAULT_MOUNT + " ("
                        + tracefs.getMessage() + ") nor debugfs at " + DEBUGFS + " (" + debugfs.getMessage()
                        + "); is CONFIG_FTRACE enabled?");
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw NstraceException.environment("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Names of the instances under {@code instances/}, sorted. */
    public List<String> instanceNames() {
        try (Stream<Path> s = Files.list(instancesDir())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An existing instance by name. */
    public TraceInstance instance(String name) {
        return new TraceInstance(this, name);
    }

    /**
     * Creates {@code instances/<name>}. The name must already be sanitised ([A-Za-z0-9_.-]); anything else is a
     * programming error, so a hostile container name can never reach another path.
     */
    public TraceInstance createInstance(String name) {
        if (!TraceInstance.isSafeName(name)) {
            throw new IllegalArgumentException("unsafe instance name: '" + name + "'");
        }
        Path dir = instancesDir().resolve(name);
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw NstraceException.user("tracefs instance already exists: " + dir);
        } catch (java.nio.file.AccessDeniedException e) {
            throw NstraceException.environment("cannot create tracefs instance " + dir
                    + ": permission denied; run nstrace as root");
        } catch (IOException e) {
            throw NstraceException.environment("cannot create tracefs instance " + dir + ": " + e.getMessage());
        }
        return new TraceInstance(this, name);
    }
}
