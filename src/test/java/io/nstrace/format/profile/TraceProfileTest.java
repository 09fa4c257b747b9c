package io.nstrace.format.profile;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.SyscallNames;
import io.nstrace.format.output.EventContext;
import io.nstrace.format.ringbuffer.EventFormat;
import io.nstrace.format.ringbuffer.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The profile's pairings on a hand-written event sequence whose every figure is known. */
class TraceProfileTest {
    private static final EventFormat SWITCH = format("sched", "sched_switch");
    private static final EventFormat WAKING = format("sched", "sched_waking");
    private static final EventFormat WAKEUP = format("sched", "sched_wakeup");
    private static final EventFormat ENTER = format("raw_syscalls", "sys_enter");
    private static final EventFormat EXIT = format("raw_syscalls", "sys_exit");
    private static final long FSYNC = 74;
    private static final long CLOCK_NANOSLEEP = 230;

    private static EventFormat format(String system, String name) {
        return new EventFormat(system, name, 1, List.of(), "", "");
    }

    private static TraceEvent ev(int cpu, long ts, EventFormat f, int pid, Map<String, Object> fields) {
        return new TraceEvent("", cpu, ts, f, 1, pid, fields, 0);
    }

    private static TraceEvent sw(int cpu, long ts, int prev, long state, int next) {
        return ev(cpu, ts, SWITCH, prev, Map.of("prev_pid", (long) prev, "prev_state", state, "next_pid", (long) next));
    }

    private static TraceProfile profile() {
        ContainerMap map = ContainerMap.empty()
                .withContainer(new ContainerMap.ContainerInfo("", "web", "id", "docker"))
                .withTask(new ContainerMap.TaskInfo(100, "web", List.of(100, 7), "app"));
        return new TraceProfile(new EventContext(Map.of(200, "other"), map), SyscallNames.x86_64());
    }

    @Test
    void pairsSyscallsWakeupsAndSwitchesPerTask() {
        TraceProfile p = profile();
        p.add(sw(0, 0, 200, 1, 100));                                      // 100 runs from 0
        p.add(ev(0, 10, ENTER, 100, Map.of("id", FSYNC)));
        p.add(sw(0, 20, 100, 2, 200));                                     // D, in fsync; on cpu0 for 20
        p.add(ev(0, 1020, WAKING, 200, Map.of("pid", 100L)));
        p.add(ev(0, 1030, WAKEUP, 200, Map.of("pid", 100L)));              // the first of waking/wakeup counts
        p.add(sw(0, 1520, 200, 0x100, 100));                               // 200 preempted (R+); 100 waited 500
        p.add(ev(0, 1530, EXIT, 100, Map.of("id", FSYNC)));                // fsync took 1520
        p.add(sw(0, 1600, 100, 1, 0));                                     // S, no syscall; on cpu0 for 80
        p.add(ev(1, 2600, WAKEUP, 0, Map.of("pid", 100L)));                // woken from idle...
        p.add(ev(1, 2700, ENTER, 100, Map.of("id", CLOCK_NANOSLEEP)));     // ...its switch in not recorded
        p.add(ev(1, 2800, EXIT, 100, Map.of("id", CLOCK_NANOSLEEP)));

        TraceProfile.ContainerProfile web = p.containers().getFirst();
        assertEquals("web", web.name());
        TraceProfile.ProcessProfile app = web.processes().getFirst();
        assertEquals(100, app.pid());
        assertEquals(7, app.containerPid());
        Usage u = app.usage();
        assertEquals(1, u.syscalls().get("fsync").count());
        assertEquals(1520, u.syscalls().get("fsync").total());
        assertEquals(100, u.syscalls().get("clock_nanosleep").max());
        assertEquals(1, u.schedLatency().count(), "the wakeup from idle has no recorded switch in: dropped");
        assertEquals(500, u.schedLatency().max());
        assertEquals(1500, u.offCpu().get("D").ns());
        assertEquals(Map.of("fsync", 1500L), u.offCpu().get("D").bySyscall());
        assertEquals(1100, u.offCpu().get("S").ns(), "ended by its next own event (2700)");
        assertEquals(Map.of(Usage.NO_SYSCALL, 1100L), u.offCpu().get("S").bySyscall());
        assertEquals(Map.of(0, 100L, 1, 100L), u.cpuNs(), "cpu1: from the inferred switch in to the last event");
        assertEquals(2, u.switches());
        assertEquals(0, u.preempted());
        assertEquals(1, u.migrations());
        assertEquals(1, p.inferredSwitchIns());

        TraceProfile.ContainerProfile host = p.containers().getLast();
        assertEquals("host", host.name());
        assertEquals(1, host.usage().preempted());
        assertEquals(java.util.Set.of("S"), host.usage().offCpu().keySet(),
                "its R stretch from 1520 never ends in the trace: not counted");
        assertEquals(20, host.usage().offCpu().get("S").ns());
    }

    @Test
    void lostEventsDropPairingsInFlightInsteadOfGuessing() {
        TraceProfile p = profile();
        p.add(sw(0, 0, 200, 1, 100));
        p.add(ev(0, 10, ENTER, 100, Map.of("id", FSYNC)));
        p.add(new TraceEvent("", 0, 50, null, -1, -1, Map.of(), 12));      // 12 events lost on cpu 0
        p.add(ev(0, 90, EXIT, 100, Map.of("id", FSYNC)));
        p.add(ev(0, 100, ENTER, 100, Map.of("id", FSYNC)));
        p.add(ev(0, 130, EXIT, 100, Map.of("id", FSYNC)));
        Usage u = p.containers().getFirst().processes().getFirst().usage();
        assertEquals(1, u.syscalls().get("fsync").count(), "only the pair after the loss");
        assertEquals(30, u.syscalls().get("fsync").total());
        assertTrue(p.droppedPairs() > 0);
    }

    @Test
    void prevStateLetters() {
        assertEquals("R", TraceProfile.state(0));
        assertEquals("R", TraceProfile.state(0x100));
        assertEquals("S", TraceProfile.state(1));
        assertEquals("D", TraceProfile.state(2));
        assertEquals("I", TraceProfile.state(0x80));
    }
}
