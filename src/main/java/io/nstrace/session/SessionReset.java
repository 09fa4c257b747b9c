package io.nstrace.session;

import io.nstrace.discovery.ProcFs;
import io.nstrace.tracefs.TraceFs;
import io.nstrace.tracefs.TraceInstance;

import java.util.ArrayList;
import java.util.List;

/**
 * Cleans up after nstrace processes that died without detaching (SIGKILL): {@link #orphans} removes the
 * instances whose owner is gone, with their state files; {@link #all} removes every nstrace-* instance and
 * every state file, live owners included.
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
    public record Result(List<String> instances, List<String> stateFiles) {
    }

    public Result orphans() {
        List<String> instances = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (OwnerRecord r : stateDir.orphans(proc)) {
            if (!r.tracefs().isEmpty() && !r.tracefs().equals(traceFs.root().toString())) {
                continue;
            }
            if (removeInstance(r.instance())) {
                instances.add(r.instance());
            }
            stateDir.remove(r.instance());
            files.add(r.instance());
        }
        return new Result(instances, files);
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
