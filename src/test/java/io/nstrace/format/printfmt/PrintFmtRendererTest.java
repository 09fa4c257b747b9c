package io.nstrace.format.printfmt;

import io.nstrace.format.ringbuffer.EventFormat;
import io.nstrace.format.Fixtures;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PrintFmtRendererTest {
    private static Map<String, Object> values(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void syscallEnterWithZeroPaddedHex() {
        EventFormat f = Fixtures.format("syscalls", "sys_enter_read");
        assertEquals("fd: 0x00000003, buf: 0x7ffc73039b2f, count: 0x00001000", PrintFmtRenderer.render(f,
                values("common_pid", 1L, "__syscall_nr", 0L, "fd", 3L, "buf", 0x7ffc73039b2fL, "count", 4096L)));
    }

    @Test
    void syscallExitPrintsTheReturnInHex() {
        EventFormat f = Fixtures.format("syscalls", "sys_exit_read");
        assertEquals("0xbb4", PrintFmtRenderer.render(f, values("__syscall_nr", 0L, "ret", 0xbb4L)));
    }

    @Test
    void rawSyscallsIndexesTheArgsArray() {
        EventFormat f = Fixtures.format("raw_syscalls", "sys_enter");
        assertEquals("NR 59 (1, 2, 3, 4, ffffffff, 6)", PrintFmtRenderer.render(f,
                values("id", 59L, "args", List.of(1L, 2L, 3L, 4L, 0xffffffffL, 6L))));
    }

    @Test
    void schedSwitchUsesTraceCmdsPluginLayout() {
        EventFormat f = Fixtures.format("sched", "sched_switch");
        assertEquals("bash:12 [120] S ==> swapper/1:0 [120]", PrintFmtRenderer.render(f, values("prev_comm", "bash",
                "prev_pid", 12L, "prev_prio", 120L, "prev_state", 1L, "next_comm", "swapper/1", "next_pid", 0L,
                "next_prio", 120L)));
    }

    @Test
    void dataLocStringsAndSignedInts() {
        EventFormat f = Fixtures.format("sched", "sched_process_exec");
        assertEquals("filename=/usr/bin/dd pid=7 old_pid=7", PrintFmtRenderer.render(f,
                values("filename", "/usr/bin/dd", "pid", 7L, "old_pid", 7L)));
    }

    @Test
    void flagsSymbolsTernaryAndCasts() {
        Map<String, Object> v = values("f", 5L, "s", 2L, "n", -1L);
        assertEquals("A|C", PrintFmtRenderer.evaluate("\"%s\", __print_flags(REC->f, \"|\", {1, \"A\"}, {2, \"B\"}, {4, \"C\"})", v));
        assertEquals("two", PrintFmtRenderer.evaluate("\"%s\", __print_symbolic(REC->s, {1, \"one\"}, {2, \"two\"})", v));
        assertEquals("yes 4294967295 -1", PrintFmtRenderer.evaluate(
                "\"%s %u %d\", REC->s > 1 ? \"yes\" : \"no\", (unsigned int)REC->n, REC->n", v));
        assertEquals("[  7] [7  ] 0x1f", PrintFmtRenderer.evaluate("\"[%3d] [%-3d] %#x\", 7, 7, 31", v));
    }

    @Test
    void unknownFunctionsFallBackToFieldPairs() {
        EventFormat f = EventFormat.parse("x", "name: e\nID: 1\nformat:\n"
                + "\tfield:int a;\toffset:8;\tsize:4;\tsigned:1;\n\nprint fmt: \"%s\", __weird(REC->a)\n");
        assertEquals("a=5", PrintFmtRenderer.render(f, values("common_pid", 3L, "a", 5L)));
    }
}
