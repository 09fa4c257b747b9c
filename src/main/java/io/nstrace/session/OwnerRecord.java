package io.nstrace.session;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who owns a tracefs instance: one file per instance in the state directory, so another nstrace can tell a
 * live session (owner PID alive with the same start time) from an orphan left by a SIGKILL.
 *
 * @param ownerPid   PID of the nstrace process that created the instance
 * @param ownerStart its start time (field 22 of /proc/PID/stat): a reused PID does not pass for the owner
 * @param container  the container's name ("-" for the shared watcher instance)
 * @param instance   the instance name under instances/
 * @param tracefs    the tracefs root it lives in
 * @param spool      the session's spool directory ({@code <spool root>/<instance>}), empty when it has none
 */
public record OwnerRecord(long ownerPid, long ownerStart, String container, String instance, String tracefs,
                          String spool) {
    public OwnerRecord(long ownerPid, long ownerStart, String container, String instance, String tracefs) {
        this(ownerPid, ownerStart, container, instance, tracefs, "");
    }

    public String format() {
        return "owner_pid=" + ownerPid + "\nowner_start=" + ownerStart + "\ncontainer=" + oneLine(container)
                + "\ninstance=" + instance + "\ntracefs=" + oneLine(tracefs) + "\n"
                + (spool == null || spool.isEmpty() ? "" : "spool=" + oneLine(spool) + "\n");
    }

    public static OwnerRecord parse(String text) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (!kv.containsKey("owner_pid") || !kv.containsKey("instance")) {
            throw new IllegalArgumentException("not an nstrace state file");
        }
        return new OwnerRecord(Long.parseLong(kv.get("owner_pid")), Long.parseLong(kv.getOrDefault("owner_start", "0")),
                kv.getOrDefault("container", ""), kv.get("instance"), kv.getOrDefault("tracefs", ""),
                kv.getOrDefault("spool", ""));
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
