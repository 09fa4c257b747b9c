package io.nstrace.format.tracedat;

import io.nstrace.format.DamagedTraceException;
import io.nstrace.format.EventReader;
import io.nstrace.format.TraceData;
import io.nstrace.format.ringbuffer.TraceEvent;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * trace.dat version 7: nstrace's (zstd, the default, and uncompressed) and trace-cmd's, against the real recording
 * of {@link RealTrace} (version 6). {@code two-containers-tracecmd-v7.dat} is that file converted by trace-cmd 3.1.6
 * ({@code trace-cmd convert --file-version 7 --compression zstd}): trace-cmd's own writer, its chunk sizes and its
 * second options section after the data.
 */
class TraceDatV7Test {
    static final Path TRACE_CMD_V7 = Path.of("src/test/resources/traces/two-containers-tracecmd-v7.dat");

    @TempDir
    Path tmp;

    static List<String> events(TraceData d) throws IOException {
        List<String> out = new ArrayList<>();
        try (EventReader r = new EventReader(d)) {
            while (r.hasNext()) {
                TraceEvent e = r.next();
                out.add(e.buffer() + " " + e.cpu() + " " + e.timestamp() + " " + e.eventName() + " " + e.pid() + " "
                        + e.fields());
            }
        }
        return out;
    }

    private Path v7(Path from, boolean compress) throws IOException {
        Path dat = tmp.resolve(compress ? "v7.dat" : "v7-none.dat");
        try (OutputStream out = Files.newOutputStream(dat)) {
            TraceDatWriter.write(TraceDatReader.read(from), out, new TraceDatWriter.Settings(7, compress, tmp));
        }
        return dat;
    }

    @Test
    void aFileTraceCmdCompressedReadsWithTheEventsOfTheOriginal() throws IOException {
        TraceData original = TraceDatReader.read(RealTrace.FILE);
        TraceData v7 = TraceDatReader.read(TRACE_CMD_V7);
        List<String> events = events(v7);
        assertEquals(RealTrace.EVENTS, events.size());
        assertEquals(events(original), events);
        assertEquals(original.buffers().stream().map(TraceData.Buffer::name).toList(),
                v7.buffers().stream().map(TraceData.Buffer::name).toList());
        assertEquals(original.options().containers(), v7.options().containers());
        assertEquals(original.comms(), v7.comms());
    }

    @Test
    void nstracesVersion7ReadsBackTheSameCompressedOrNot() throws IOException {
        TraceData original = TraceDatReader.read(RealTrace.FILE);
        for (boolean compress : new boolean[] {true, false}) {
            Path dat = v7(RealTrace.FILE, compress);
            TraceData back = TraceDatReader.read(dat);
            assertEquals(events(original), events(back), "compress " + compress);
            assertEquals(original.options(), back.options());
            assertEquals(original.cmdlines(), back.cmdlines());
            assertTrue(Arrays.equals(original.kallsyms(), back.kallsyms()));
            for (int b = 0; b < original.buffers().size(); b++) {
                for (int c = 0; c < original.cpuCount(); c++) {
                    assertEquals(original.buffers().get(b).cpus().get(c).stats(),
                            back.buffers().get(b).cpus().get(c).stats());
                }
            }
        }
        long compressed = Files.size(tmp.resolve("v7.dat"));
        assertTrue(compressed * 3 < Files.size(RealTrace.FILE), compressed + " bytes compressed");
    }

    /** trace-cmd report prints the same for nstrace's version 7 as for the version 6 it came from. */
    @Test
    void traceCmdReportsTheSameForVersion7AsForVersion6() throws Exception {
        Require.traceCmd();
        String v6 = traceCmd("report", RealTrace.FILE.toString());
        assertEquals(v6, traceCmd("report", v7(RealTrace.FILE, true).toString()));
        assertEquals(v6, traceCmd("report", v7(RealTrace.FILE, false).toString()));
        assertTrue(v6.lines().count() > RealTrace.EVENTS, v6);
    }

    /** An uncompressed version 7 of trace-cmd's own writer reads as the original. */
    @Test
    void traceCmdsUncompressedVersion7Reads() throws Exception {
        Require.traceCmd();
        Path none = tmp.resolve("none.dat");
        traceCmd("convert", "-i", RealTrace.FILE.toString(), "-o", none.toString(), "--file-version", "7",
                "--compression", "none");
        assertEquals(events(TraceDatReader.read(RealTrace.FILE)), events(TraceDatReader.read(none)));
    }

    @Test
    void anotherCompressionIsRefusedInOneLineNamingTheFile() throws IOException {
        byte[] b = Files.readAllBytes(TRACE_CMD_V7);
        int at = indexOf(b, "zstd\0".getBytes(StandardCharsets.US_ASCII));
        assertTrue(at > 0 && at < 40);
        System.arraycopy("zlib".getBytes(StandardCharsets.US_ASCII), 0, b, at, 4);
        Path file = Files.write(tmp.resolve("zlib.dat"), b);
        CliRun r = CliRun.run(Path.of("/proc"), tmp, "report", file.toString());
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.err().startsWith("nstrace report: " + file + ": trace.dat compressed with zlib "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    /**
     * A version 7 file cut anywhere before its strings section (the section descriptions, which no reader needs):
     * report refuses it (exit 1, one line naming the file); salvaging never finds more events than the file has.
     * nstrace's files put the BUFFER options before the data, so a cut inside the data is salvaged up to the cut
     * (a cut past the start of the last buffer keeps the top buffer's events, most of the file's); trace-cmd's put
     * them after it, so salvage has nothing to go by there.
     */
    @Test
    void aCutVersion7FileIsRefusedAndSalvagedUpToTheCut() throws IOException {
        for (Path source : List.of(v7(RealTrace.FILE, true), TRACE_CMD_V7)) {
            boolean ours = !source.equals(TRACE_CMD_V7);
            byte[] intact = Files.readAllBytes(source);
            List<long[]> sections = sections(source);
            long strings = sections.stream().filter(x -> x[0] == V7Writer.SECTION_STRINGS).findFirst().orElseThrow()[1];
            long firstData = sections.stream().filter(x -> x[0] == 3).findFirst().orElseThrow()[1];
            long lastData = sections.stream().filter(x -> x[0] == 3).reduce((x, y) -> y).orElseThrow()[1];
            Path file = tmp.resolve("cut.dat");
            for (int cut = 0; cut < strings; cut += 397) {
                String what = source + " cut at " + cut;
                Files.write(file, Arrays.copyOf(intact, cut));
                CliRun r = CliRun.run(Path.of("/proc"), tmp, "report", "--format", "summary", file.toString());
                assertEquals(1, r.exitCode(), what + ": " + r.err());
                assertTrue(r.err().startsWith("nstrace report: ") && r.err().contains(file + ": ")
                        && r.err().lines().count() == 1, what + ": " + r.err());
                try {
                    long[] salvaged = RealTrace.count(TraceDatReader.salvage(file));
                    assertTrue(salvaged[0] <= RealTrace.EVENTS, what + ": " + salvaged[0]);
                    assertTrue(salvaged[1] > 0, what + ": nothing marked lost");
                    if (cut > lastData + 4096) {
                        assertTrue(salvaged[0] > RealTrace.EVENTS / 2, what + ": salvaged " + salvaged[0]);
                    }
                } catch (DamagedTraceException refused) {
                    assertTrue(refused.getMessage().startsWith(file + ": "), refused.getMessage());
                    assertTrue(!ours || cut < firstData, what + ": salvage refused a cut in the data: "
                            + refused.getMessage());
                }
            }
        }
    }

    /**
     * {id, offset} of each section, walked from the end of the header by their sizes as trace-cmd's reader walks
     * them (looking for the strings): every size must be right for the walk to reach the end of the file.
     */
    static List<long[]> sections(Path dat) throws IOException {
        List<long[]> out = new ArrayList<>();
        try (var ch = java.nio.channels.FileChannel.open(dat)) {
            BinIn in = new BinIn(ch, dat.toString());
            in.seek(10);
            in.cstr();
            in.seek(in.pos() + 6);
            in.cstr();
            in.cstr();
            in.u64();
            while (in.pos() < in.size()) {
                long at = in.pos();
                int id = in.u16();
                in.u16();
                in.u32();
                long size = in.u64();
                out.add(new long[] {id, at});
                in.seek(in.pos() + size);
            }
            assertEquals(in.size(), in.pos(), dat + ": sections walk past the end of the file");
        }
        return out;
    }

    @Test
    void damagedChunksAreFoundAndNamed() throws IOException {
        Path dat = v7(RealTrace.FILE, true);
        TraceData d = TraceDatReader.read(dat);
        TraceData.CpuData cpu = d.buffers().getFirst().cpus().getLast();
        // the compressed data of the top buffer's last CPU, as its BUFFER option says
        long at = offsetOfCompressed(dat, 0, cpu.cpu());
        byte[] b = Files.readAllBytes(dat);
        b[(int) at + 4] ^= 0x40; // the first chunk's compressed size
        Path bad = Files.write(tmp.resolve("bad.dat"), b);
        String m = assertThrows(DamagedTraceException.class, () -> TraceDatReader.read(bad)).getMessage();
        assertTrue(m.startsWith(bad + ": cpu " + cpu.cpu() + " chunk 0 at byte " + (at + 4) + ": "), m);
        b = Files.readAllBytes(dat);
        b[(int) at + 12 + 20] ^= 0x01; // inside the first zstd frame
        Path flipped = Files.write(tmp.resolve("flipped.dat"), b);
        try {
            TraceData back = TraceDatReader.read(flipped);
            assertTrue(RealTrace.count(back)[0] <= RealTrace.EVENTS);
        } catch (DamagedTraceException e) {
            assertTrue(e.getMessage().startsWith(flipped + ": cpu " + cpu.cpu() + " "), e.getMessage());
        }
    }

    /** The file offset of CPU {@code cpu}'s compressed data in buffer {@code buffer}, from the raw BUFFER option. */
    private static long offsetOfCompressed(Path dat, int buffer, int cpu) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(dat)) {
            BinIn in = new BinIn(ch, dat.toString());
            in.seek(10);
            in.cstr();
            in.seek(in.pos() + 6);
            in.cstr();
            in.cstr();
            in.seek(in.u64() + 16); // the options section's content
            int seen = 0;
            while (true) {
                int id = in.u16();
                long size = in.u32();
                byte[] data = in.bytes(size);
                if (id == TraceDatWriter.OPTION_BUFFER && seen++ == buffer) {
                    var b = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    int p = 8;
                    p += TraceDatReader.cstring(data, p).length() + 1;
                    p += TraceDatReader.cstring(data, p).length() + 1;
                    p += 8;
                    while (b.getInt(p) != cpu) {
                        p += 20;
                    }
                    return b.getLong(p + 4);
                }
                if (id == 0) {
                    throw new AssertionError("no BUFFER option " + buffer);
                }
            }
        }
    }

    @Test
    void reportLeavesNoScratchFileBehind() throws IOException {
        Path scratch = Path.of(System.getProperty("java.io.tmpdir"));
        long before = scratchFiles(scratch);
        CliRun r = CliRun.run(Path.of("/proc"), tmp, "report", "--format", "summary", TRACE_CMD_V7.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("events: " + RealTrace.EVENTS + " "), r.out());
        assertEquals(before, scratchFiles(scratch));
    }

    private static long scratchFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("nstrace-.*\\.pages")).count();
        }
    }

    /** report --format dat converts both ways: a version 6 from a version 7 and back, the same events each time. */
    @Test
    void reportConvertsBetweenVersions() throws IOException {
        Path v6 = tmp.resolve("back.dat");
        CliRun r = CliRun.run(Path.of("/proc"), tmp, "report", "--format", "dat", "--dat-version", "6", "-o",
                v6.toString(), TRACE_CMD_V7.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("6", new String(Files.readAllBytes(v6), 10, 1, StandardCharsets.US_ASCII));
        Path v7 = tmp.resolve("again.dat");
        r = CliRun.run(Path.of("/proc"), tmp, "report", "--format", "dat", "-o", v7.toString(), v6.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("7", new String(Files.readAllBytes(v7), 10, 1, StandardCharsets.US_ASCII));
        List<String> original = events(TraceDatReader.read(RealTrace.FILE));
        assertEquals(original, events(TraceDatReader.read(v6)));
        assertEquals(original, events(TraceDatReader.read(v7)));
        CliRun bad = CliRun.run(Path.of("/proc"), tmp, "report", "--format", "dat", "--dat-version", "5", "-o",
                v7.toString(), v6.toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("'5' is not a trace.dat version nstrace writes (6 or 7)"), bad.err());
    }

    private static int indexOf(byte[] b, byte[] what) {
        for (int i = 0; i + what.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        return -1;
    }

    static String traceCmd(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("trace-cmd"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd));
        return out;
    }
}
