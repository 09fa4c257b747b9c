package io.nstrace.sys;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalsTest {
    @Test
    void sigIgnMaskSaysWhetherSigintIsIgnored() {
        String status = "Name:\tjava\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000002\nSigCgt:\t0\n";
        assertTrue(Signals.ignoredIn(status, Signals.SIGINT));
        assertFalse(Signals.ignoredIn(status, 1)); // SIGHUP's bit is clear
        assertFalse(Signals.ignoredIn("SigIgn:\t0000000000001000\n", Signals.SIGINT));
    }

    @Test
    void anUnreadableStatusLeavesTheDecisionToSigaction() {
        assertTrue(Signals.ignoredIn("", Signals.SIGINT));
        assertTrue(Signals.ignoredIn("SigIgn:\tzz\n", Signals.SIGINT));
    }

    @Test
    void theLiveMaskAgreesWithSigaction() throws Exception {
        String status = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status"));
        assertTrue(status.contains("SigIgn:"), status);
        // this JVM's SIGINT is not ignored (a JVM installs its handler unless it inherited it ignored, and then
        // the mask says so): sigaction, asked only when the mask is clear, must find it not ignored either
        if (!Signals.ignoredIn(status, Signals.SIGINT)) {
            assertFalse(Libc.unignore(Signals.SIGINT));
        }
    }
}
