package io.nstrace.format.diff;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The --fail-on language: what each form compares, and the refusals. */
class GateTest {
    @Test
    void relativeChange() {
        Gate g = Gate.parse("syscalls.fsync.count>+20%");
        assertNull(g.container());
        assertEquals(Gate.Mode.relative, g.mode());
        assertTrue(g.fires(10, 30));
        assertFalse(g.fires(10, 12));
        assertTrue(g.fires(0, 1), "from none to some is an infinite rise");
        assertFalse(g.fires(0, 0));
        assertTrue(Gate.parse("events<-50%").fires(100, 40));
    }

    @Test
    void absoluteChangeAndValueWithUnits() {
        assertTrue(Gate.parse("execs>+10").fires(5, 16));
        assertFalse(Gate.parse("execs>+10").fires(5, 15));
        Gate p99 = Gate.parse("sched.latency.p99>2ms");
        assertEquals(Gate.Mode.value, p99.mode());
        assertEquals(2_000_000, p99.threshold());
        assertTrue(p99.fires(9_000_000, 2_000_001), "NEW's value, whatever BASE was");
        assertTrue(p99.needsProfile());
        assertEquals(1.5e9, Gate.parse("cpu >= +1.5s").threshold());
        assertEquals(250_000, Gate.parse("offcpu.D<=250us").threshold());
    }

    @Test
    void containerPrefixAndGlobs() {
        Gate g = Gate.parse("web:syscalls.*.p99>+100%");
        assertEquals("web", g.container());
        assertTrue(g.metricPattern().matcher("syscalls.fsync.p99").matches());
        assertFalse(g.metricPattern().matcher("syscalls.fsync.count").matches());
        Gate e = Gate.parse("events.sched:sched_switch>+10%");
        assertNull(e.container(), "the colon of an event name is not a container");
    }

    @Test
    void badRulesAreRefusedNamingTheRule() {
        for (String bad : new String[] {"syscalls.fsync.count", "sycalls.fsync.count>1", "syscalls.fsync.count>20%",
                "execs>2ms", "syscalls.fsync.p98>1ms", "execs>>1", "execs>x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gate.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("bad --fail-on rule '" + bad + "': "), e.getMessage());
        }
    }
}
