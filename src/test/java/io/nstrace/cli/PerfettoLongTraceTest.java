package io.nstrace.cli;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.nstrace.format.ContainerMap;
import io.nstrace.format.Fixtures;
import io.nstrace.format.TraceData;
import io.nstrace.format.ringbuffer.EventFormat;
import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.format.ringbuffer.PageBuilder;
import io.nstrace.format.tracedat.TraceDatWriter;
import io.nstrace.testing.NstraceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long trace converts in flat memory: 1.16 million events (a 32 MiB trace.dat; held as decoded events they would
 * take hundreds of MiB) become a Perfetto trace in a JVM limited to a 32 MiB heap, every event in it.
 */
class PerfettoLongTraceTest {
    private static final int PAGES = 8000;
    private static final int EVENTS_PER_PAGE = 145; // 28-byte events in a 4096-byte page's 4080 bytes of data

    @TempDir
    Path tmp;

    @Test
    void aMillionEventsConvertInA32MiBHeap() throws Exception {
        EventFormat exit = Fixtures.format("raw_syscalls", "sys_exit");
        Path pages = tmp.resolve("cpu0.raw");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(pages), 1 << 16)) {
            long ts = 1_000_000;
            for (int p = 0; p < PAGES; p++) {
                PageBuilder b = new PageBuilder(ts);
                for (int i = 0; i < EVENTS_PER_PAGE; i++) {
                    b.event(10, exit.id(), 1000 + (p * EVENTS_PER_PAGE + i) % 500, 1, 0, 0, 0);
                }
                out.write(b.build().array());
                ts += 10L * EVENTS_PER_PAGE + 7;
            }
        }
        TraceData d = new TraceData(4096, ByteOrder.LITTLE_ENDIAN, HeaderPage.parse(Fixtures.text("header_page")),
                Fixtures.text("header_event"), List.of(), Map.of("raw_syscalls", List.of(exit.text())), new byte[0],
                new byte[0], "", 1, new TraceData.Options("Linux h 6.18 #1 x86_64", "[local]", null, "t",
                ContainerMap.empty()), List.of(new TraceData.Buffer("", "local", List.of(new TraceData.CpuData(0,
                new TraceData.PageSource(pages, 0, (long) PAGES * 4096), "")))));
        Path dat = tmp.resolve("long.dat");
        try (OutputStream out = Files.newOutputStream(dat)) {
            TraceDatWriter.write(d, out);
        }
        Files.delete(pages);
        Path pf = tmp.resolve("long.pftrace");
        List<String> cmd = new ArrayList<>(NstraceProcess.command("report", dat.toString(), "-o", pf.toString()));
        cmd.add(1, "-Xmx32m");
        Path log = tmp.resolve("log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "report did not finish");
        assertEquals(0, p.exitValue(), Files.readString(log));
        assertEquals((long) PAGES * EVENTS_PER_PAGE, events(pf));
    }

    /** The FtraceEvents in a Perfetto trace, read with protobuf-java's CodedInputStream. */
    private static long events(Path pftrace) throws IOException {
        long n = 0;
        try (InputStream in = Files.newInputStream(pftrace)) {
            CodedInputStream trace = CodedInputStream.newInstance(in);
            for (int tag = trace.readTag(); tag != 0; tag = trace.readTag()) {
                assertEquals(1, WireFormat.getTagFieldNumber(tag), "Trace.packet");
                CodedInputStream packet = trace.readBytes().newCodedInput();
                for (int t = packet.readTag(); t != 0; t = packet.readTag()) {
                    if (WireFormat.getTagFieldNumber(t) != 1) { // TracePacket.ftrace_events
                        packet.skipField(t);
                        continue;
                    }
                    CodedInputStream bundle = packet.readBytes().newCodedInput();
                    for (int b = bundle.readTag(); b != 0; b = bundle.readTag()) {
                        if (WireFormat.getTagFieldNumber(b) == 2) { // FtraceEventBundle.event
                            n++;
                        }
                        bundle.skipField(b);
                    }
                }
            }
        }
        return n;
    }
}
