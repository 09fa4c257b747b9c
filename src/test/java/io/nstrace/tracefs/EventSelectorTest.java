package io.nstrace.tracefs;

import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventSelectorTest {
    static final EventSelector SEL = new EventSelector(List.of(EventId.parse("sched:sched_switch"),
            EventId.parse("sched:sched_wakeup"), EventId.parse("sched:sched_process_exec"),
            EventId.parse("syscalls:sys_enter_openat"), EventId.parse("syscalls:sys_enter_open"),
            EventId.parse("syscalls:sys_exit_openat"), EventId.parse("raw_syscalls:sys_enter")));

    static List<String> names(List<EventId> ids) {
        return ids.stream().map(EventId::toString).toList();
    }

    @Test
    void exactSystemAndGlobs() {
        assertEquals(List.of("sched:sched_switch"), names(SEL.resolve(List.of("sched:sched_switch"))));
        assertEquals(List.of("sched:sched_switch", "sched:sched_wakeup", "sched:sched_process_exec"),
                names(SEL.resolve(List.of("sched"))));
        assertEquals(List.of("syscalls:sys_enter_openat", "syscalls:sys_enter_open"),
                names(SEL.resolve(List.of("syscalls:sys_enter_open*"))));
        assertEquals(List.of("syscalls:sys_enter_openat", "raw_syscalls:sys_enter"),
                names(SEL.resolve(List.of("*:sys_enter*at", "raw_syscalls:sys_enter"))));
    }

    @Test
    void duplicatesKeepTheFirstPosition() {
        assertEquals(List.of("sched:sched_wakeup", "sched:sched_switch", "sched:sched_process_exec"),
                names(SEL.resolve(List.of("sched:sched_wakeup", "sched:*", "sched:sched_wakeup"))));
    }

    @Test
    void unknownNamesAreRefusedWithASuggestionWhenClose() {
        NstraceException e = assertThrows(NstraceException.class, () -> SEL.resolve(List.of("shed")));
        assertEquals("unknown event 'shed', did you mean sched?", e.getMessage());
        assertEquals(ExitCodes.USER, e.exitCode());
        e = assertThrows(NstraceException.class, () -> SEL.resolve(List.of("sched:sched_wakup")));
        assertEquals("unknown event 'sched:sched_wakup', did you mean sched:sched_wakeup?", e.getMessage());
        e = assertThrows(NstraceException.class, () -> SEL.resolve(List.of("net:netif_rx")));
        assertEquals("unknown event 'net:netif_rx'", e.getMessage());
        assertThrows(NstraceException.class, () -> SEL.resolve(List.of("sched:nothing_*")));
    }

    @Test
    void globCharactersOtherThanStarAndQuestionAreLiteral() {
        assertTrue(EventSelector.glob("a.b*").matcher("a.bc").matches());
        assertTrue(!EventSelector.glob("a.b*").matcher("axbc").matches());
    }

    @Test
    void resolvesAgainstTheCapturedKernelList() throws Exception {
        Path fx = Files.list(Path.of("tracefs-fixtures")).filter(p -> p.getFileName().toString().startsWith("6.18"))
                .findFirst().orElseThrow();
        TraceFsCatalog c = new TraceFsCatalog(new TraceFs(fx));
        List<EventId> all = c.selector().resolve(List.of("sched:sched_*"));
        assertTrue(all.size() > 20 && all.stream().allMatch(e -> e.system().equals("sched")), all.toString());
        assertEquals(List.of("local", "global", "counter", "uptime", "perf", "mono", "mono_raw", "boot", "tai",
                "x86-tsc"), TraceFsCatalog.clocks(Files.readString(fx.resolve("trace_clock"))));
        assertEquals("local", TraceFsCatalog.currentClock("[local] global counter"));
        assertEquals("global", TraceFsCatalog.currentClock("local [global] counter\n"));
    }
}
