package io.nstrace.tracefs;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MountTableTest {
    @Test
    void prefersTracefsOverDebugfs() {
        String mounts = "sysfs /sys sysfs rw 0 0\n"
                + "debugfs /sys/kernel/debug debugfs rw 0 0\n"
                + "tracefs /sys/kernel/tracing tracefs rw 0 0\n";
        assertEquals(Optional.of(Path.of("/sys/kernel/tracing")), MountTable.findTracing(mounts));
    }

    @Test
    void fallsBackToDebugfsTracing() {
        assertEquals(Optional.of(Path.of("/sys/kernel/debug/tracing")),
                MountTable.findTracing("debugfs /sys/kernel/debug debugfs rw 0 0\n"));
    }

    @Test
    void nothingMountedIsEmpty() {
        assertEquals(Optional.empty(), MountTable.findTracing("proc /proc proc rw 0 0\n"));
    }

    @Test
    void unescapesOctalInMountPoints() {
        assertEquals(Optional.of(Path.of("/mnt/my tracing")),
                MountTable.findTracing("nodev /mnt/my\\040tracing tracefs rw 0 0\n"));
    }
}
