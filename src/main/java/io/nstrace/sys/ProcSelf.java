package io.nstrace.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's credentials as the kernel shows them in {@code /proc/self/status}, without a native call. */
public final class ProcSelf {
    private ProcSelf() {
    }

    /**
     * The effective user id: the second field of the {@code Uid:} line of /proc/self/status, or geteuid(2) when
     * that file is unreadable or malformed (binding {@link Libc} costs a cold JVM ~100 ms of CPU that a one-shot
     * {@code nstrace ps} should not pay for a number the kernel prints anyway).
     */
    public static int euid() {
        try {
            int uid = euidIn(Files.readString(Path.of("/proc/self/status")));
            return uid >= 0 ? uid : Libc.geteuid();
        } catch (IOException | RuntimeException e) {
            return Libc.geteuid();
        }
    }

    /** The effective uid in the text of a /proc/PID/status, or -1 when it has no well-formed Uid: line. */
    static int euidIn(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] f = line.substring(4).strip().split("\\s+");
                try {
                    return f.length >= 2 ? Integer.parseUnsignedInt(f[1]) : -1;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
