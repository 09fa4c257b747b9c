package io.nstrace.capture;

import io.nstrace.error.NstraceException;
import io.nstrace.format.ContainerMap;
import io.nstrace.format.ringbuffer.HeaderPage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page size comes from header_page as trace-cmd takes it: data offset plus data size. */
class TraceMetaTest {
    static String headerPage(int dataSize) {
        return "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
                + "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
                + "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
                + "\tfield: char data;\toffset:16;\tsize:" + dataSize + ";\tsigned:0;\n";
    }

    @Test
    void pageSizeIsTheSubBufferSize() {
        assertEquals(4096, TraceMeta.pageSize(headerPage(4080)));
        assertEquals(8192, TraceMeta.pageSize(headerPage(8176)), "6.18 with buffer_subbuf_size_kb 8");
        assertEquals(1 << 20, TraceMeta.pageSize(headerPage((1 << 20) - 16)));
        assertEquals(4096, TraceMeta.pageSize("garbage"), "no data field: one page");
        assertEquals(4096, TraceMeta.pageSize(headerPage(5000)), "not a power of two: one page");
    }

    @Test
    void capturesWithDifferentPageSizesDoNotShareAFile() {
        Spool a = capture("nstrace-a", 4096);
        Spool b = capture("nstrace-b", 8192);
        NstraceException e = assertThrows(NstraceException.class,
                () -> Spool.toTraceData(List.of(a, b), ContainerMap.empty()));
        assertEquals("cannot write nstrace-a (4 KB sub-buffers) and nstrace-b (8 KB) into one trace.dat: its format "
                + "has one page size; dump them one at a time", e.getMessage());
        assertTrue(Spool.toTraceData(List.of(b, capture("nstrace-c", 8192)), ContainerMap.empty()).pageSize() == 8192);
    }

    private static Spool capture(String name, int pageSize) {
        TraceMeta m = new TraceMeta(pageSize, HeaderPage.parse(headerPage(pageSize - 16)), "", List.of(), Map.of(),
                new byte[0], new byte[0], "[local]", "Linux", 1, null);
        return new Spool(name, Path.of("/nonexistent"), m, List.of(), "");
    }
}
