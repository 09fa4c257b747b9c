package io.nstrace.capture;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuCountersTest {
    /** per_cpu/cpu0/stats as linux 6.18 writes it. */
    private static String stats(long overrun, long dropped, long read) {
        return "entries: 12\noverrun: " + overrun + "\ncommit overrun: 0\nbytes: 4032\noldest event ts:  8987.370985\n"
                + "now ts:  9112.775273\ndropped events: " + dropped + "\nread events: " + read + "\n";
    }

    @Test
    void readsTheThreeCountersOfAStatsFile() {
        CpuCounters c = CpuCounters.parse(stats(161, 7, 250_000));
        assertTrue(c.known());
        assertEquals(250_000, c.read());
        assertEquals(161, c.overrun());
        assertEquals(7, c.dropped());
    }

    @Test
    void differencesSinceTheStartAreWhatTheRecorderReadAndLost() {
        CpuCounters start = CpuCounters.parse(stats(100, 1, 5_000));
        CpuCounters now = CpuCounters.parse(stats(160, 3, 9_000));
        assertEquals(4_000, now.readSince(start));
        assertEquals(62, now.lostSince(start));
    }

    @Test
    void aResetBufferOrAMissingFileSaysNothing() {
        CpuCounters start = CpuCounters.parse(stats(0, 0, 5_000));
        assertEquals(-1, CpuCounters.parse(stats(0, 0, 10)).readSince(start), "counter went back: buffer reset");
        assertFalse(CpuCounters.parse("").known());
        assertEquals(-1, CpuCounters.parse("").readSince(start));
        assertEquals(-1, start.readSince(CpuCounters.UNKNOWN));
        assertEquals(0, CpuCounters.parse("").lostSince(start));
        assertFalse(CpuCounters.parse("entries: 3\noverrun: 0\n").known(), "a kernel without read events");
    }
}
