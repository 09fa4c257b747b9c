package io.nstrace.session;

import io.nstrace.error.NstraceException;
import io.nstrace.discovery.ProcFs;
import io.nstrace.sys.Libc;
import org.apache.commons.io.file.PathUtils;
import io.nstrace.tracefs.TraceFs;
import io.nstrace.tracefs.TraceInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cleans up after nstrace processes that died without detaching (SIGKILL): {@link #orphans} removes the
 * instances whose owner is gone, with their state files and their spool directories (named in the state file;
 * removed only when it is a real directory named after the instance and owned by nstrace's user);
 * {@link #all} removes every nstrace-* instance and every state file, live owners included (spools of live
 * owners are theirs: left alone).
 */
public final class SessionReset {
    private final TraceFs traceFs;
    private final ProcFs proc;
    private final StateDir stateDir;

    public SessionReset(TraceFs traceFs, ProcFs proc, StateDir stateDir) {
        this.traceFs = traceFs;
        this.proc = proc;
        this.stateDir = stateDir;
    }

    /** What was removed. */
    public record Result(List<String> instances, List<String> stateFiles, List<String> spools) {
        public Result(List<String> instances, List<String> stateFiles) {
            this(instances, stateFiles, List.of());
        }
    }

    public Result orphans() {
        List<String> instances = new ArrayList<>();
        List<String> files = new ArrayList<>();
        List<String> spools = new ArrayList<>();
        for (OwnerRecord r : stateDir.orphans(proc)) {
            if (!r.tracefs().isEmpty() && !r.tracefs().equals(traceFs.root().toString())) {
                continue;
            }
            if (removeInstance(r.instance())) {
                instances.add(r.instance());
            }
            if (removeSpool(r)) {
                spools.add(r.spool());
            }
            stateDir.remove(r.instance());
            files.add(r.instance());
        }
        return new Result(instances, files, spools);
    }

    public Result all() {
        List<String> instances = new ArrayList<>();
        for (String name : traceFs.instanceNames()) {
            if (InstanceNames.isNstrace(name) && removeInstance(name)) {
                instances.add(name);
            }
        }
        List<String> files = new ArrayList<>();
        for (OwnerRecord r : stateDir.records()) {
            stateDir.remove(r.instance());
            files.add(r.instance());
        }
        return new Result(instances, files);
    }

    /** Removes an orphan's spool directory when it is what the state file says it is; false when none. */
    private static boolean removeSpool(OwnerRecord r) {
        if (r.spool().isEmpty()) {
            return false;
        }
        Path dir = Path.of(r.spool());
        if (dir.getFileName() == null || !dir.getFileName().toString().equals(r.instance())
                || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            if ((Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS) != Libc.geteuid()) {
                return false;
            }
            PathUtils.deleteDirectory(dir);
            return true;
        } catch (IOException e) {
            throw NstraceException.environment("cannot remove spool " + dir + ": " + e.getMessage());
        }
    }

    private boolean removeInstance(String name) {
        if (!InstanceNames.isNstrace(name) || !traceFs.instanceNames().contains(name)) {
            return false;
        }
        TraceInstance i = traceFs.instance(name);
        try {
            i.write("tracing_on", "0");
        } catch (RuntimeException ignored) {
            // rmdir below is what matters
        }
        i.remove();
        return true;
    }
}
