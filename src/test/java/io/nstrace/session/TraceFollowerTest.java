package io.nstrace.session;

import io.nstrace.testing.TraceDataBuilder;
import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.format.TraceData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The page bookkeeping of dump --follow: each call hands out only what the spool files gained since the last. */
class TraceFollowerTest {
    private static TraceData data(long cpu0Bytes, long cpu1Bytes, long dbBytes) {
        HeaderPage hp = HeaderPage.parse("""
                \tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;
                \tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;
                \tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;
                \tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;
                """);
        return TraceDataBuilder.withHeaderPage(hp).cpuCount(2)
                .cpu("", 0, Path.of("web0"), 0, cpu0Bytes, "").cpu("", 1, Path.of("web1"), 0, cpu1Bytes, "")
                .cpu("db", 0, Path.of("db0"), 0, dbBytes, "").build();
    }

    private static List<List<Long>> ranges(TraceData d) {
        return d.buffers().stream().flatMap(b -> b.cpus().stream())
                .map(c -> List.of(c.pages().offset(), c.pages().length())).toList();
    }

    @Test
    void eachCallGivesOnlyTheNewPagesOfEveryCpuAndBuffer() {
        Map<String, Long> consumed = new HashMap<>();
        assertEquals(List.of(List.of(0L, 8192L), List.of(0L, 4096L), List.of(0L, 0L)),
                ranges(TraceFollower.unread(data(8192, 4096, 0), consumed)), "first call: everything");
        assertEquals(List.of(List.of(8192L, 4096L), List.of(4096L, 0L), List.of(0L, 4096L)),
                ranges(TraceFollower.unread(data(12288, 4096, 4096), consumed)), "then only what grew");
        assertEquals(List.of(List.of(12288L, 0L), List.of(4096L, 0L), List.of(4096L, 0L)),
                ranges(TraceFollower.unread(data(12288, 4096, 4096), consumed)), "nothing new: empty ranges");
        TraceData d = TraceFollower.unread(data(16384, 8192, 4096), consumed);
        assertEquals(List.of("", "db"), d.buffers().stream().map(TraceData.Buffer::name).toList());
        assertEquals(Path.of("web1"), d.buffers().getFirst().cpus().get(1).pages().file());
    }
}
