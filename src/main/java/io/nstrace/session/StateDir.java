package io.nstrace.session;

import io.nstrace.error.NstraceException;
import io.nstrace.discovery.ProcFs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The directory of ownership files ({@code /run/nstrace} by default): {@code <instance>.session} each. It is
 * created and checked as {@link PrivateDir} says (no symbolic link, owned by nstrace's user, 0700).
 */
public final class StateDir {
    public static final Path DEFAULT = Path.of("/run/nstrace");
    static final String SUFFIX = ".session";

    private final Path dir;

    public StateDir(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    Path fileOf(String instance) {
        return dir.resolve(instance + SUFFIX);
    }

    /** Records ownership; written before the instance is configured so a kill mid-attach leaves a findable orphan. */
    public void write(OwnerRecord record) {
        PrivateDir.ensureRoot(dir, "state directory", "set NSTRACE_STATE_DIR");
        try {
            Path tmp = dir.resolve("." + record.instance() + ".tmp");
            Files.writeString(tmp, record.format());
            Files.move(tmp, fileOf(record.instance()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw NstraceException.environment("cannot write session state in " + dir + ": " + e.getMessage()
                    + "; run nstrace as root or set NSTRACE_STATE_DIR");
        }
    }

    public void remove(String instance) {
        try {
            Files.deleteIfExists(fileOf(instance));
        } catch (IOException e) {
            throw NstraceException.environment("cannot remove " + fileOf(instance) + ": " + e.getMessage());
        }
    }

    /** Every readable record; unreadable or foreign files are skipped. */
    public List<OwnerRecord> records() {
        List<OwnerRecord> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
                try {
                    out.add(OwnerRecord.parse(Files.readString(p)));
                } catch (IOException | IllegalArgumentException ignored) {
                    // a half-written or foreign file is not a session
                }
            }
        } catch (IOException e) {
            throw NstraceException.environment("cannot list " + dir + ": " + e.getMessage());
        }
        return out;
    }

    /** Records whose owner is gone: no such PID, or the PID now belongs to a process with another start time. */
    public List<OwnerRecord> orphans(ProcFs proc) {
        ProcessProbe probe = new ProcessProbe(proc);
        return records().stream().filter(r -> !alive(probe, r)).toList();
    }

    static boolean alive(ProcessProbe probe, OwnerRecord r) {
        OptionalLong start = probe.startTime((int) r.ownerPid());
        return start.isPresent() && start.getAsLong() == r.ownerStart();
    }

    /** The line each nstrace start prints on stderr when orphans exist, or empty. */
    public String orphanWarning(ProcFs proc) {
        int n = orphans(proc).size();
        return n == 0 ? "" : "nstrace: " + n + " orphaned tracing session" + (n == 1 ? "" : "s")
                + " (owner gone); run 'nstrace reset'";
    }
}
