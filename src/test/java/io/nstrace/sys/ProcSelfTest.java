package io.nstrace.sys;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProcSelfTest {
    @Test
    void theEffectiveUidIsTheSecondFieldOfUid() {
        assertEquals(1000, ProcSelf.euidIn("Name:\tjava\nUid:\t0\t1000\t0\t1000\nGid:\t0\t0\t0\t0\n"));
        assertEquals(0, ProcSelf.euidIn("Uid:\t1000\t0\t1000\t0\n"));
        assertEquals(4294967294L, Integer.toUnsignedLong(ProcSelf.euidIn("Uid:\t4294967294\t4294967294\t0\t0\n")));
    }

    @Test
    void aMissingOrMalformedUidLineAnswersMinusOne() {
        assertEquals(-1, ProcSelf.euidIn(""));
        assertEquals(-1, ProcSelf.euidIn("Uid:\t7\n"));
        assertEquals(-1, ProcSelf.euidIn("Uid:\tx\ty\n"));
    }

    @Test
    void theLiveValueIsGeteuids() {
        assertEquals(Libc.geteuid(), ProcSelf.euid());
    }
}
