package io.nstrace.discovery;

import io.nstrace.error.NstraceException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Reads one process's files under a procfs root ({@code /proc}, or a fake tree in tests). Every method
 * answers empty (never throws) when the process vanished or cannot be read: processes exit mid-scan.
 */
public final class ProcFs {
    private final Path root;

    public ProcFs(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path pidDir(int pid) {
        return root.resolve(Integer.toString(pid));
    }

    /**
     * Fails (exit 3, naming the root) unless the root looks like a procfs: a directory with at least one process
     * directory holding an {@code ns/pid} link ({@code self} first, so the real /proc answers at once).
     */
    public void requireProcfs() {
        if (!Files.exists(root)) {
            throw NstraceException.environment("no procfs at " + root + ": no such directory");
        }
        if (!Files.isDirectory(root)) {
            throw NstraceException.environment("no procfs at " + root + ": not a directory");
        }
        if (Files.isSymbolicLink(root.resolve("self").resolve("ns").resolve("pid"))) {
            return;
        }
        try (Stream<Path> s = Files.list(root)) {
            if (s.anyMatch(p -> isNumber(p.getFileName().toString())
                    && Files.isSymbolicLink(p.resolve("ns").resolve("pid")))) {
                return;
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw NstraceException.environment("cannot list procfs root " + root + ": "
                    + (e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage()));
        }
        throw NstraceException.environment(root + " is not a procfs: no process directories with an ns/pid link");
    }

    /**
     * A process of another user whose PID namespace link this process may not read (EACCES: reading it needs
     * root, as ptrace access does), or empty when every one it tried was readable. Used only when not root.
     */
    public Optional<Path> unreadableForeignNamespace(int uid) {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> isNumber(p.getFileName().toString())).filter(p -> owner(p) != uid)
                    .map(p -> p.resolve("ns").resolve("pid")).filter(ProcFs::denied).findFirst();
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static int owner(Path dir) {
        try {
            return (Integer) Files.getAttribute(dir, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static boolean denied(Path link) {
        try {
            Files.readSymbolicLink(link);
            return false;
        } catch (java.nio.file.AccessDeniedException e) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // vanished, or not a link: not a permission problem
        }
    }

    /** Inode of /proc/PID/ns/pid, from its link text {@code pid:[N]}. */
    public OptionalLong pidnsInode(int pid) {
        return nsInode(pid, "pid");
    }

    /** Inode of /proc/PID/ns/TYPE. */
    public OptionalLong nsInode(int pid, String type) {
        try {
            String target = Files.readSymbolicLink(pidDir(pid).resolve("ns").resolve(type)).toString();
            return OptionalLong.of(io.nstrace.sys.Namespaces.inodeOf(target));
        } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
            return OptionalLong.empty();
        }
    }

    /** Host TIDs of the process's threads, ascending; empty if it is gone. */
    public List<Integer> tids(int pid) {
        try (Stream<Path> s = Files.list(pidDir(pid).resolve("task"))) {
            return s.map(p -> p.getFileName().toString()).filter(ProcFs::isNumber).map(Integer::valueOf)
                    .sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    /** The text of /proc/PID/status, if readable. */
    public Optional<String> status(int pid) {
        return readString(pidDir(pid).resolve("status"));
    }

    /** Every numeric entry of the procfs root: the host's processes (TGIDs). */
    public List<Integer> pids() {
        List<Integer> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (isNumber(n)) {
                    out.add(Integer.parseInt(n));
                }
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + root, e);
        }
        return out;
    }

    public Optional<String> readString(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
