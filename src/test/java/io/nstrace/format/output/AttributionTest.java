package io.nstrace.format.output;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.ringbuffer.EventFormat;
import io.nstrace.format.ringbuffer.TraceEvent;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttributionTest {
    private static final String COMMON = """
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            """;
    static final EventFormat SWITCH = format("sched", "sched_switch", 316,
            "\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n");
    static final EventFormat FORK = format("sched", "sched_process_fork", 312,
            "\tfield:pid_t parent_pid;\toffset:24;\tsize:4;\tsigned:1;\n\tfield:pid_t child_pid;\toffset:44;\tsize:4;\tsigned:1;\n");
    static final EventFormat EXEC = format("sched", "sched_process_exec", 313,
            "\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;\n");
    static final EventFormat EXIT = format("sched", "sched_process_exit", 314,
            "\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n");
    static final EventFormat SYS_EXIT = format("raw_syscalls", "sys_exit", 22,
            "\tfield:long id;\toffset:8;\tsize:8;\tsigned:1;\n\tfield:long ret;\toffset:16;\tsize:8;\tsigned:1;\n");
    static final EventFormat SYS_ENTER = format("raw_syscalls", "sys_enter", 21,
            "\tfield:long id;\toffset:8;\tsize:8;\tsigned:1;\n");

    private static EventFormat format(String system, String name, int id, String fields) {
        return EventFormat.parse(system, "name: " + name + "\nID: " + id + "\nformat:\n" + COMMON + fields
                + "\nprint fmt: \"x\"\n");
    }

    /** web's buffer is the top one (""), db's is "db"; web's shell is host 500 = 1 inside, db's 700 = 1. */
    private static ContainerMap map() {
        return new ContainerMap(List.of(new ContainerMap.ContainerInfo("", "web", "w", "docker"),
                new ContainerMap.ContainerInfo("db", "db", "d", "docker")),
                Map.of(500, new ContainerMap.TaskInfo(500, "web", List.of(500, 1), "sh"),
                        501, new ContainerMap.TaskInfo(501, "web", List.of(501, 7), "worker"),
                        700, new ContainerMap.TaskInfo(700, "db", List.of(700, 1), "db")));
    }

    private static TraceEvent ev(String buffer, EventFormat f, int pid, Map<String, Object> fields, long ts) {
        return new TraceEvent(buffer, 0, ts, f, f.id(), pid, fields, 0);
    }

    @Test
    void aSchedSwitchBelongsToTheTaskThatSwitchesOutNotToTheBufferThatRecordedIt() {
        Attribution a = new Attribution(map());
        // host task 900 switches to web's 500: recorded in web's buffer because next is traced
        Attribution.Owner hostSide = a.observe(ev("", SWITCH, 900, Map.of("prev_pid", 900L, "next_pid", 500L), 1));
        assertNull(hostSide.container());
        assertNull(hostSide.containerPid());
        assertEquals("web", hostSide.buffer());
        // and back: web's 500 switches out to the host task
        Attribution.Owner webSide = a.observe(ev("", SWITCH, 500, Map.of("prev_pid", 500L, "next_pid", 900L), 2));
        assertEquals(new Attribution.Owner("web", 1, null), webSide);
        // a db task in web's buffer (scheduler events link them): db's, with web named as the buffer
        assertEquals(new Attribution.Owner("db", 1, "web"),
                a.observe(ev("", SWITCH, 700, Map.of("prev_pid", 700L, "next_pid", 500L), 3)));
    }

    @Test
    void theIdleTaskBelongsToNoContainer() {
        Attribution a = new Attribution(map());
        Attribution.Owner idle = a.observe(ev("db", SWITCH, 0, Map.of("prev_pid", 0L, "next_pid", 700L), 1));
        assertNull(idle.container());
        assertNull(idle.containerPid());
        assertEquals("db", idle.buffer());
        assertFalse(idle.inContainer());
    }

    @Test
    void aTaskForkedAndExitedDuringTheTraceKeepsItsContainerAndPidFromTheCloneReturn() {
        Attribution a = new Attribution(map());
        a.observe(ev("", FORK, 500, Map.of("parent_pid", 500L, "child_pid", 610L), 10));
        // the child runs before its parent returns from clone: container known, pid not yet
        assertEquals(new Attribution.Owner("web", null, null),
                a.observe(ev("", SYS_ENTER, 610, Map.of("id", 59L), 11)));
        a.observe(ev("", SYS_EXIT, 500, Map.of("id", 56L, "ret", 42L), 12));
        assertEquals(new Attribution.Owner("web", 42, null), a.observe(ev("", EXEC, 610,
                Map.of("pid", 610L, "old_pid", 610L), 13)));
        assertEquals(new Attribution.Owner("web", 42, null), a.observe(ev("", EXIT, 610, Map.of("pid", 610L), 14)));
        assertEquals(42, a.containerPid(610));
        // a host task forking is not followed; a failed clone (ret < 0) teaches nothing
        a.observe(ev("", FORK, 900, Map.of("parent_pid", 900L, "child_pid", 611L), 15));
        a.observe(ev("", SYS_EXIT, 900, Map.of("id", 56L, "ret", 611L), 16));
        assertNull(a.observe(ev("", SYS_ENTER, 611, Map.of("id", 0L), 17)).container());
        a.observe(ev("", SYS_EXIT, 500, Map.of("id", 56L, "ret", -11L), 18));
        assertEquals(42, a.containerPid(610));
    }

    @Test
    void aThreadThatExecsBecomesTheLeaderAndKeepsTheLeadersNumbers() {
        Attribution a = new Attribution(map());
        // thread 501 (7 inside) of leader 500 (1 inside) execs: from then on it is 500, and still 1 inside
        Attribution.Owner before = a.observe(ev("", SYS_ENTER, 501, Map.of("id", 59L), 1));
        assertEquals(7, before.containerPid());
        Attribution.Owner after = a.observe(ev("", EXEC, 500, Map.of("pid", 500L, "old_pid", 501L), 2));
        assertEquals(new Attribution.Owner("web", 1, null), after);
    }

    @Test
    void aTaskTheMapHasWithoutItsNsPidChainHasAContainerButNoPid() {
        ContainerMap m = new ContainerMap(map().containers(),
                Map.of(800, new ContainerMap.TaskInfo(800, "web", List.of(), "x")));
        assertEquals(new Attribution.Owner("web", null, null),
                new Attribution(m).observe(ev("", SYS_ENTER, 800, Map.of("id", 0L), 1)));
    }

    @Test
    void summaryTextAndJsonCountTheSameEventsForEachContainer() throws Exception {
        List<TraceEvent> events = List.of(
                ev("", SWITCH, 900, Map.of("prev_pid", 900L, "next_pid", 500L), 1),
                ev("", SWITCH, 500, Map.of("prev_pid", 500L, "next_pid", 0L), 2),
                ev("", SWITCH, 0, Map.of("prev_pid", 0L, "next_pid", 500L), 3),
                ev("", FORK, 500, Map.of("parent_pid", 500L, "child_pid", 610L), 4),
                ev("", SYS_ENTER, 610, Map.of("id", 0L), 5),
                ev("", SYS_EXIT, 500, Map.of("id", 56L, "ret", 42L), 6),
                ev("", SYS_ENTER, 610, Map.of("id", 0L), 7));
        TraceSummary s = new TraceSummary(new EventContext(Map.of(), map()));
        events.forEach(s::add);
        TraceSummary.ContainerStats web = s.container("web").orElseThrow();
        assertEquals(5, web.events());
        assertEquals(1, web.withoutContainerPid());
        assertEquals(2, s.container(TraceSummary.HOST).orElseThrow().events());
        assertEquals(1, s.withoutContainerPid());

        StringWriter json = new StringWriter();
        new JsonWriter(json, new EventContext(Map.of(), map())).writeAll(events.iterator());
        long inWeb = json.toString().lines().filter(l -> l.contains("\"container\":\"web\"")).count();
        long unknown = json.toString().lines()
                .filter(l -> l.contains("\"container\":\"web\"") && l.contains("\"containerPid\":null")).count();
        assertEquals(5, inWeb);
        assertEquals(1, unknown);
        StringWriter text = new StringWriter();
        new TextWriter(text, new EventContext(Map.of(), map())).writeAll(events.iterator());
        assertEquals(5, text.toString().lines().filter(l -> l.contains("(web:")).count());
        assertEquals(1, text.toString().lines().filter(l -> l.contains("(web:?)")).count());
        assertTrue(text.toString().contains("(web:42)"));
    }
}
