package io.nstrace.format.output;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.ringbuffer.EventFormat;
import io.nstrace.format.json.Json;
import io.nstrace.format.SyscallNames;
import io.nstrace.format.ringbuffer.TraceEvent;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SummaryWriterTest {
    private static final EventFormat RAW_ENTER = EventFormat.parse("raw_syscalls", """
            name: sys_enter
            ID: 21
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            \tfield:long id;\toffset:8;\tsize:8;\tsigned:1;
            \tfield:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;

            print fmt: "NR %ld", REC->id
            """);
    private static final EventFormat OPENAT = EventFormat.parse("syscalls", """
            name: sys_enter_openat
            ID: 700
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            \tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;

            print fmt: "x"
            """);

    private static final EventFormat FORK = EventFormat.parse("sched", """
            name: sched_process_fork
            ID: 300
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            \tfield:pid_t parent_pid;\toffset:24;\tsize:4;\tsigned:1;
            \tfield:pid_t child_pid;\toffset:44;\tsize:4;\tsigned:1;

            print fmt: "x"
            """);

    private static TraceEvent enter(int pid, long nr, long ts) {
        return new TraceEvent("", 0, ts, RAW_ENTER, 21, pid, Map.of("id", nr), 0);
    }

    private static TraceSummary sample() {
        ContainerMap map = new ContainerMap(List.of(new ContainerMap.ContainerInfo("", "run-sh", null, "none")),
                Map.of(100, new ContainerMap.TaskInfo(100, "run-sh", List.of(100, 1), "sh")));
        TraceSummary s = new TraceSummary(new EventContext(Map.of(100, "sh", 101, "a|b"), map),
                SyscallNames.x86_64());
        s.add(enter(999, 1, 900_000_000L)); // a task outside the container (the other side of a sched event)
        s.add(new TraceEvent("", 0, 1_000_000_000L, FORK, 300, 100, Map.of("parent_pid", 100L, "child_pid", 101L), 0));
        s.add(enter(100, 257, 1_000_000_000L));
        s.add(enter(100, 257, 1_100_000_000L));
        s.add(enter(101, 0, 1_200_000_000L));
        s.add(new TraceEvent("", 0, 1_300_000_000L, OPENAT, 700, 101, Map.of("__syscall_nr", 257L), 0));
        s.add(new TraceEvent("", 1, 1_400_000_000L, null, -1, -1, Map.of(), 7));
        return s;
    }

    @Test
    void syscallNamesFollowTheX86_64Table() {
        SyscallNames n = SyscallNames.x86_64();
        assertEquals("read", n.name(0));
        assertEquals("write", n.name(1));
        assertEquals("execve", n.name(59));
        assertEquals("exit_group", n.name(231));
        assertEquals("openat", n.name(257));
        assertEquals("clone3", n.name(435));
        assertEquals("syscall_99999", n.name(99999));
        assertEquals("openat", SyscallNames.forUname("Linux vm 6.18.44 #1 SMP amd64").name(257));
        assertEquals("syscall_257", SyscallNames.forUname("Linux pi 6.1.0 #1 SMP aarch64").name(257));
    }

    @Test
    void summaryCountsPerContainerWithSyscallNamesAndLostEvents() {
        TraceSummary s = sample();
        assertEquals(6, s.events());
        assertEquals(7, s.lost());
        List<TraceSummary.ContainerStats> all = s.containers(10);
        assertEquals(List.of("host", "run-sh"), all.stream().map(TraceSummary.ContainerStats::name).toList());
        assertEquals(Map.of("raw_syscalls:sys_enter", 1L), all.getFirst().eventsByType(), "pid 999 is not the run's");
        TraceSummary.ContainerStats c = all.get(1);
        assertEquals(5, c.events());
        assertEquals(7, c.lost());
        assertEquals(0.3, c.seconds(), 1e-9);
        assertEquals(Map.of("raw_syscalls:sys_enter", 3L, "syscalls:sys_enter_openat", 1L,
                "sched:sched_process_fork", 1L), c.eventsByType());
        assertEquals(new TraceSummary.Count("openat", 3), c.topSyscalls().getFirst());
        assertEquals(new TraceSummary.Count("read", 1), c.topSyscalls().get(1));
        assertEquals(new TraceSummary.ProcessCount(100, 1, "sh", 3), c.topProcesses().getFirst());
        assertEquals(new TraceSummary.ProcessCount(101, null, "a|b", 2), c.topProcesses().get(1));
    }

    @Test
    void markdownFlagsLostEventsAndEscapesCells() throws Exception {
        StringWriter w = new StringWriter();
        SummaryWriter.markdown(sample(), new SummaryWriter.RunOutcome(List.of("sh", "-c", "exit 3"), 3, "exited"),
                "trace.dat", w);
        String md = w.toString();
        assertTrue(md.startsWith("### nstrace run: `sh -c exit 3` exited, status 3\n"), md);
        assertTrue(md.contains("> **Warning: events were lost** (7 lost)"), md);
        assertTrue(md.contains("#### run-sh: 5 events in 0.300 s, 2 without an in-container PID (**7 lost**)"), md);
        assertTrue(md.contains("#### host: 1 events in 0.000 s\n"), md);
        assertTrue(md.contains("| 101 |  | a\\|b | 2 |"), md);
        assertTrue(md.contains("| openat | 3 |"), md);
    }

    @Test
    void jsonCarriesTheSameFiguresAndParses() throws Exception {
        StringWriter w = new StringWriter();
        SummaryWriter.json(sample(), new SummaryWriter.RunOutcome(List.of("true"), 0, "exited"), null, w);
        Map<String, Object> j = Json.parseObject(w.toString());
        assertEquals(6L, ((Number) j.get("events")).longValue());
        assertEquals(Boolean.TRUE, j.get("lost_events_flag"));
        assertEquals(0L, ((Number) j.get("exit_status")).longValue());
        Object c = Json.at(j, "containers", 1);
        assertEquals("run-sh", Json.string(c, "name"));
        assertEquals(3L, ((Number) Json.at(c, "events_by_type", "raw_syscalls:sys_enter")).longValue());
        assertEquals("openat", Json.string(c, "top_syscalls", 0, "name"));
        assertFalse(w.toString().contains("\n{"));
    }
}
