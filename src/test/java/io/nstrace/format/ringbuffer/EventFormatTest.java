package io.nstrace.format.ringbuffer;

import io.nstrace.format.Fixtures;
import io.nstrace.format.printfmt.PrintFmtRenderer;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventFormatTest {
    @Test
    void parsesNameIdFieldsAndPrintFmt() {
        EventFormat f = Fixtures.format("sched", "sched_switch");
        assertEquals("sched_switch", f.name());
        assertTrue(f.id() > 0);
        FieldFormat comm = f.field("prev_comm").orElseThrow();
        assertEquals(16, comm.arrayLength());
        assertTrue(comm.isString());
        FieldFormat pid = f.field("next_pid").orElseThrow();
        assertEquals("pid_t", pid.type());
        assertEquals(4, pid.size());
        assertTrue(pid.signed());
        assertEquals("common_type", f.fields().getFirst().name());
        assertTrue(f.printFmt().startsWith("\"prev_comm=%s"));
    }

    @Test
    void dataLocStringsAndUnsignedFields() {
        EventFormat f = Fixtures.format("sched", "sched_process_exec");
        FieldFormat filename = f.field("filename").orElseThrow();
        assertEquals(FieldFormat.Dynamic.DATA_LOC, filename.dynamic());
        assertTrue(filename.isString());
        FieldFormat buf = Fixtures.format("syscalls", "sys_enter_read").field("buf").orElseThrow();
        assertEquals("char *", buf.type());
        assertEquals(8, buf.size());
    }

    @Test
    void rawSyscallsArgsIsAnArrayOfLongs() {
        FieldFormat args = Fixtures.format("raw_syscalls", "sys_enter").field("args").orElseThrow();
        assertEquals(6, args.arrayLength());
        assertEquals(8, args.elementSize());
    }

    @Test
    void rejectsTextWithoutNameOrId() {
        assertThrows(IllegalArgumentException.class, () -> EventFormat.parse("x", "format:\n"));
    }

    @Test
    void decodesEveryIntegerWidthAndSignAndRelLocStrings() {
        String text = """
                name: t
                ID: 5
                format:
                \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
                \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;
                \tfield:s8 a;\toffset:8;\tsize:1;\tsigned:1;
                \tfield:u8 b;\toffset:9;\tsize:1;\tsigned:0;
                \tfield:short c;\toffset:10;\tsize:2;\tsigned:1;
                \tfield:unsigned int d;\toffset:12;\tsize:4;\tsigned:0;
                \tfield:u64 e;\toffset:16;\tsize:8;\tsigned:0;
                \tfield:__rel_loc char[] name;\toffset:24;\tsize:4;\tsigned:0;
                \tfield:u16 arr[2];\toffset:28;\tsize:4;\tsigned:0;

                print fmt: "a=%d b=%u", REC->a, REC->b
                """;
        EventFormat f = EventFormat.parse("test", text);
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) 5).putInt(4, -3).put(8, (byte) -1).put(9, (byte) 0xff).putShort(10, (short) -2)
                .putInt(12, 0xffffffff).putLong(16, -1L).putShort(28, (short) 1).putShort(30, (short) 2);
        b.putInt(24, (3 << 16) | 4); // rel_loc: 3 bytes, 4 bytes after the field's end (offset 28 + 4 = 32)
        b.put(32, (byte) 'a').put(33, (byte) 'b').put(34, (byte) 0);
        Map<String, Object> v = EventDecoder.decode(f, b, 0, 40);
        assertEquals(-3L, v.get("common_pid"));
        assertEquals(-1L, v.get("a"));
        assertEquals(255L, v.get("b"));
        assertEquals(-2L, v.get("c"));
        assertEquals(4294967295L, v.get("d"));
        assertEquals(new java.math.BigInteger("18446744073709551615"), v.get("e"));
        assertEquals("ab", v.get("name"));
        assertEquals(List.of(1L, 2L), v.get("arr"));
        assertEquals("a=-1 b=255", PrintFmtRenderer.render(f, v));
    }
}
