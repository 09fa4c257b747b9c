package io.nstrace.format.tracedat;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.format.TraceData;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a trace.dat of version 6 or 7 (uncompressed) into {@link TraceData}: the pages stay in the file and are
 * referenced by offset. Compressed version 7 files (trace-cmd record's default) are refused with a hint to
 * convert them, as no decompressor is available here.
 */
public final class TraceDatReader {
    private final Path file;
    private final BinIn in;
    private ByteOrder order;
    private int pageSize;
    private HeaderPage headerPage;
    private String headerEvent = "";
    private final List<String> ftrace = new ArrayList<>();
    private final Map<String, List<String>> events = new LinkedHashMap<>();
    private byte[] kallsyms = new byte[0];
    private byte[] printk = new byte[0];
    private String cmdlines = "";
    private int cpus;
    private String uname = "";
    private String toolVersion = "";
    private boolean hasClock;
    private String clock = "";
    private Long dateOffset;
    private ContainerMap containers = ContainerMap.empty();
    private final List<long[]> cpuStats = new ArrayList<>();
    private final Map<Integer, String> statsText = new LinkedHashMap<>();
    private final List<TraceData.Buffer> buffers = new ArrayList<>();
    private final List<Object[]> v6Buffers = new ArrayList<>();

    private TraceDatReader(Path file, FileChannel ch) {
        this.file = file;
        this.in = new BinIn(ch, file.toString());
    }

    public static TraceData read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new TraceDatReader(file, ch).parse();
        }
    }

    private TraceData parse() throws IOException {
        byte[] magic = in.bytes(10);
        if (!java.util.Arrays.equals(magic, TraceDatWriter.MAGIC)) {
            throw new IOException("not a trace.dat file (bad magic): " + file);
        }
        int version = Integer.parseInt(in.cstr().strip());
        order = in.u8() == 1 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        in.order(order);
        in.u8(); // user space long size; the kernel's comes from header_page
        pageSize = (int) in.u32();
        if (version == 6) {
            readV6();
        } else if (version == 7) {
            readV7();
        } else {
            throw new IOException("unsupported trace.dat version " + version + ": " + file);
        }
        if (headerPage == null) {
            throw new IOException("trace.dat has no header_page: " + file);
        }
        return new TraceData(pageSize, order, headerPage, headerEvent, List.copyOf(ftrace), events, kallsyms, printk,
                cmdlines, cpus, new TraceData.Options(uname, clock, dateOffset, toolVersion, containers),
                List.copyOf(buffers));
    }

    private void readHeaders() throws IOException {
        expect("header_page");
        headerPage = HeaderPage.parse(in.text(in.u64()));
        expect("header_event");
        headerEvent = in.text(in.u64());
    }

    private void expect(String word) throws IOException {
        String got = in.cstr();
        if (!got.equals(word)) {
            throw new IOException("corrupt trace.dat " + file + ": expected '" + word + "' at offset "
                    + (in.pos() - got.length() - 1) + ", found '" + got + "'");
        }
    }

    private void readFtrace() throws IOException {
        long n = in.u32();
        for (long i = 0; i < n; i++) {
            ftrace.add(in.text(in.u64()));
        }
    }

    private void readEvents() throws IOException {
        long systems = in.u32();
        for (long s = 0; s < systems; s++) {
            String name = in.cstr();
            long n = in.u32();
            List<String> list = events.computeIfAbsent(name, k -> new ArrayList<>());
            for (long i = 0; i < n; i++) {
                list.add(in.text(in.u64()));
            }
        }
    }

    private void readV6() throws IOException {
        readHeaders();
        readFtrace();
        readEvents();
        kallsyms = in.bytes(in.u32());
        printk = in.bytes(in.u32());
        cmdlines = in.text(in.u64());
        cpus = (int) in.u32();
        String word = in.cstr();
        if (word.equals("options  ")) {
            while (true) {
                int id = in.u16();
                if (id == 0) {
                    break;
                }
                option(id, in.bytes(in.u32()), 6);
            }
            word = in.cstr();
        }
        if (!word.equals("flyrecord")) {
            throw new IOException("unsupported trace.dat data section '" + word + "' in " + file);
        }
        buffers.add(flyrecordV6(""));
        for (Object[] b : v6Buffers) {
            in.seek((long) b[0]);
            expect("flyrecord");
            buffers.add(flyrecordV6((String) b[1]));
        }
    }

    private TraceData.Buffer flyrecordV6(String name) throws IOException {
        List<TraceData.CpuData> list = new ArrayList<>();
        long[][] table = new long[cpus][2];
        for (int c = 0; c < cpus; c++) {
            table[c][0] = in.u64();
            table[c][1] = in.u64();
        }
        String clk = clock;
        if (hasClock) {
            clk = in.text(in.u64()).strip();
            if (name.isEmpty()) {
                clock = clk;
            }
        }
        for (int c = 0; c < cpus; c++) {
            list.add(new TraceData.CpuData(c, new TraceData.PageSource(file, table[c][0], table[c][1]),
                    name.isEmpty() ? statsText.getOrDefault(c, "") : ""));
        }
        return new TraceData.Buffer(name, clk, list);
    }

    private void option(int id, byte[] data, int version) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(order);
        switch (id) {
            case TraceDatWriter.OPTION_UNAME -> uname = cstring(data, 0);
            case TraceDatWriter.OPTION_VERSION -> toolVersion = cstring(data, 0);
            case TraceDatWriter.OPTION_TRACECLOCK -> {
                hasClock = true;
                if (data.length > 0) {
                    clock = cstring(data, 0).strip();
                }
            }
            case TraceDatWriter.OPTION_DATE -> dateOffset = Long.decode(cstring(data, 0).strip());
            case TraceDatWriter.OPTION_CPUSTAT -> {
                String text = cstring(data, 0);
                String t = text.strip();
                if (t.startsWith("CPU:")) {
                    int nl = t.indexOf('\n');
                    statsText.put(Integer.parseInt(t.substring(4, nl < 0 ? t.length() : nl).strip()),
                            nl < 0 ? "" : t.substring(nl + 1));
                }
            }
            case 8 -> cpus = b.getInt(0);
            case TraceDatWriter.OPTION_BUFFER -> {
                if (version == 6) {
                    v6Buffers.add(new Object[] {b.getLong(0), cstring(data, 8)});
                } else {
                    buffers.add(bufferV7(data));
                }
            }
            case TraceDatWriter.OPTION_CONTAINERS -> {
                try {
                    containers = ContainerMap.parse(cstring(data, 0));
                } catch (IllegalArgumentException e) {
                    // a private option of another tool with the same id: ignore it
                }
            }
            default -> v7Section(id, b, version);
        }
    }

    static String cstring(byte[] data, int from) {
        int end = from;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, from, end - from, StandardCharsets.UTF_8);
    }

    private TraceData.Buffer bufferV7(byte[] data) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(order);
        int p = 8;
        String name = cstring(data, p);
        p += name.getBytes(StandardCharsets.UTF_8).length + 1;
        String clk = cstring(data, p);
        p += clk.getBytes(StandardCharsets.UTF_8).length + 1;
        p += 4; // page size
        int n = b.getInt(p);
        p += 4;
        List<TraceData.CpuData> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int cpu = b.getInt(p);
            long off = b.getLong(p + 4);
            long size = b.getLong(p + 12);
            p += 20;
            list.add(new TraceData.CpuData(cpu, new TraceData.PageSource(file, off, size),
                    name.isEmpty() ? statsText.getOrDefault(cpu, "") : ""));
        }
        if (name.isEmpty()) {
            clock = clk;
        }
        return new TraceData.Buffer(name, clk, list);
    }

    private void readV7() throws IOException {
        String compression = in.cstr();
        String compVersion = in.cstr();
        if (!compression.equals("none")) {
            throw new IOException("compressed trace.dat (" + compression + " " + compVersion + ") is not supported: "
                    + file + "; convert it with: trace-cmd convert --compression none -i " + file + " -o OUT.dat");
        }
        long next = in.u64();
        while (next != 0) {
            in.seek(next);
            sectionHeader(0);
            next = 0;
            while (true) {
                int id = in.u16();
                long size = in.u32();
                if (id == 0) {
                    next = size >= 8 ? in.u64() : 0;
                    break;
                }
                long after = in.pos() + size;
                option(id, in.bytes(size), 7);
                in.seek(after);
            }
        }
        buffers.sort((a, b) -> a.name().isEmpty() ? -1 : b.name().isEmpty() ? 1 : 0);
    }

    private void sectionHeader(int expectedId) throws IOException {
        int id = in.u16();
        int flags = in.u16();
        in.u32(); // description string id
        in.u64(); // size
        if (id != expectedId) {
            throw new IOException("corrupt trace.dat " + file + ": section " + id + " where " + expectedId
                    + " was expected at offset " + (in.pos() - 16));
        }
        if ((flags & 1) != 0) {
            throw new IOException("compressed section in trace.dat is not supported: " + file);
        }
    }

    private void v7Section(int id, java.nio.ByteBuffer b, int version) throws IOException {
        if (version != 7 || id < 16 || id > 21) {
            return; // unknown or irrelevant option: skipped as trace-cmd does
        }
        long back = in.pos();
        in.seek(b.getLong(0));
        sectionHeader(id);
        switch (id) {
            case 16 -> readHeaders();
            case 17 -> readFtrace();
            case 18 -> readEvents();
            case 19 -> kallsyms = in.bytes(in.u32());
            case 20 -> printk = in.bytes(in.u32());
            default -> cmdlines = in.text(in.u64());
        }
        in.seek(back);
    }
}
