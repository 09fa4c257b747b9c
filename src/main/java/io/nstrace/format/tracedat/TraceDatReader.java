package io.nstrace.format.tracedat;

import io.nstrace.format.DamagedTraceException;
import io.nstrace.format.tracedat.PageScan;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.format.TraceData;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a trace.dat of version 6 or 7 into {@link TraceData}: the pages stay in the file and are referenced by
 * offset. In a version 7 file compressed with zstd (trace-cmd record's default, and nstrace's), the sections are
 * decompressed in memory as they are parsed and the CPU data into a scratch file ({@link Inflater}), checked
 * there as pages of an uncompressed file are.
 *
 * <p>Nothing is taken on trust: every length and offset is checked against the file's size, the headers against
 * each other (the page size comes from the file), and every page of CPU data is checked by {@link PageScan}
 * before the data is returned. A cut or corrupt file throws {@link DamagedTraceException}, whose message names
 * the file and what is wrong; {@link #salvage(Path)} instead keeps every intact page and lists the rest.
 */
public final class TraceDatReader {
    private final Path file;
    private final boolean salvage;
    private final BinIn fileIn;
    /** Where reads go: the file, or a decompressed section while it is parsed. */
    private BinIn in;
    /** The file's compression ("none" for version 6), and the codec when it is zstd. */
    private String compression = "none";
    private Zstd zstd;
    /** Buffers (by name) whose CPU data is compressed in chunks. */
    private final java.util.Set<String> compressedBuffers = new java.util.HashSet<>();
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
    /** CPUSTAT texts by buffer name ("" = top) and CPU; a {@code Buffer: NAME} option starts a buffer's. */
    private final Map<String, Map<Integer, String>> statsText = new LinkedHashMap<>();
    private String statsBuffer = "";
    private final List<TraceData.Buffer> buffers = new ArrayList<>();
    private final List<Object[]> v6Buffers = new ArrayList<>();
    private final java.util.Set<Long> v7Sections = new java.util.HashSet<>();
    private long dataStart;
    /** Largest CPU count accepted (the kernel's NR_CPUS limit): a bigger one is a damaged field. */
    static final int MAX_CPUS = 8192;
    /** Largest page (ring-buffer sub-buffer) size accepted; the kernel's sub-buffers are far smaller. */
    static final int MAX_PAGE_SIZE = 1 << 24;

    private TraceDatReader(Path file, FileChannel ch, boolean salvage) {
        this.file = file;
        this.salvage = salvage;
        this.fileIn = new BinIn(ch, file.toString());
        this.in = fileIn;
    }

    /**
     * A file read by {@link #open}: its data and, for a compressed file, the scratch file holding its decompressed
     * pages, which {@link #close} deletes (the data's pages are gone then).
     */
    public record Opened(TraceData data, Path scratch) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (scratch != null) {
                Files.deleteIfExists(scratch);
            }
        }
    }

    /**
     * Reads {@code file} as {@link #read} (or {@link #salvage}, when {@code salvage}) does; a compressed file's
     * pages are decompressed into a new file in {@code scratchDir}, deleted when the result is closed.
     */
    public static Opened open(Path file, boolean salvage, Path scratchDir) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            TraceDatReader r = new TraceDatReader(file, ch, salvage);
            TraceData data = r.parse();
            if (r.compressedBuffers.isEmpty()) {
                return new Opened(PageScan.check(data, ch, file.toString(), r.dataStart, salvage), null);
            }
            Path scratch = Files.createTempFile(scratchDir, "nstrace-", ".pages");
            try (FileChannel out = FileChannel.open(scratch, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                TraceData plain = new Inflater(file.toString(), ch, r.dataStart, r.zstd, salvage)
                        .inflate(data, r.compressedBuffers, out, scratch);
                return new Opened(PageScan.check(plain, out, file + " (decompressed data)", 0, salvage), scratch);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(scratch);
                throw e;
            }
        }
    }

    /**
     * The whole file, checked: a cut or damaged file throws {@link DamagedTraceException}. A compressed file's
     * pages are decompressed into java.io.tmpdir, deleted when the JVM exits ({@link #open} deletes sooner).
     */
    public static TraceData read(Path file) throws IOException {
        return read(file, false);
    }

    /**
     * The file's intact pages: damaged or missing CPU data is listed in each {@link TraceData.CpuData#dropped()}
     * instead of failing, and {@link EventReader} marks it as lost. Damaged headers still throw (nothing can be
     * decoded without them).
     */
    public static TraceData salvage(Path file) throws IOException {
        return read(file, true);
    }

    private static TraceData read(Path file, boolean salvage) throws IOException {
        Opened o = open(file, salvage, Path.of(System.getProperty("java.io.tmpdir")));
        if (o.scratch() != null) {
            o.scratch().toFile().deleteOnExit();
        }
        return o.data();
    }

    private DamagedTraceException damaged(String what) {
        return new DamagedTraceException(file + ": " + what);
    }

    private TraceData parse() throws IOException {
        byte[] magic = in.bytes(10);
        if (!java.util.Arrays.equals(magic, TraceDatWriter.MAGIC)) {
            throw new IOException(file + ": not a trace.dat file (bad magic)");
        }
        String versionText = in.cstr().strip();
        int endian = in.u8();
        if (endian > 1) {
            throw damaged("endianness byte " + endian + " at byte " + (in.pos() - 1) + " is neither 0 nor 1");
        }
        order = endian == 1 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        in.order(order);
        in.u8(); // user space long size; the kernel's comes from header_page
        long ps = in.u32();
        if (ps < 4096 || ps > MAX_PAGE_SIZE || Long.bitCount(ps) != 1) {
            throw damaged("page size " + ps + " at byte " + (in.pos() - 4) + " is not a power of two from 4096 to "
                    + MAX_PAGE_SIZE);
        }
        pageSize = (int) ps;
        if (versionText.equals("6")) {
            readV6();
        } else if (versionText.equals("7")) {
            readV7();
        } else {
            throw new IOException(file + ": unsupported trace.dat version '" + printable(versionText) + "'");
        }
        if (headerPage == null) {
            throw damaged("no header_page");
        }
        TraceData data = new TraceData(pageSize, order, headerPage, headerEvent, List.copyOf(ftrace), events,
                kallsyms, printk, cmdlines, cpus, new TraceData.Options(uname, clock, dateOffset, toolVersion,
                containers), List.copyOf(buffers));
        try {
            data.formatsById(); // parsed here once, so a damaged format fails the read, not the report
        } catch (IllegalArgumentException e) {
            throw damaged("unreadable event format: " + printable(e.getMessage()));
        }
        return data;
    }

    private void readHeaders() throws IOException {
        expect("header_page");
        long at = in.pos();
        String text = in.text(in.u64());
        try {
            headerPage = HeaderPage.parseChecked(text, pageSize);
        } catch (IllegalArgumentException e) {
            throw damaged(e.getMessage() + " (at byte " + at + ")");
        }
        expect("header_event");
        headerEvent = in.text(in.u64());
    }

    private void expect(String word) throws IOException {
        String got = in.cstr();
        if (!got.equals(word)) {
            throw damaged("expected '" + word + "' at byte " + (in.pos() - got.length() - 1) + ", found '"
                    + printable(got) + "'");
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
        cpus = cpuCount(in.u32());
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
            throw new IOException(file + ": unsupported trace.dat data section '" + printable(word) + "'"
                    + (word.equals("latency  ") ? "" : " (or a damaged file)"));
        }
        buffers.add(flyrecordV6(""));
        dataStart = in.pos();
        for (Object[] b : v6Buffers) {
            long at = (long) b[0];
            String name = (String) b[1];
            try {
                if (at < 0 || at >= in.size()) {
                    throw damaged("buffer " + name + " starts at byte " + at + ", past the end of the file ("
                            + in.size() + " bytes)");
                }
                in.seek(at);
                expect("flyrecord");
                buffers.add(flyrecordV6(name));
            } catch (DamagedTraceException e) {
                if (!salvage) {
                    throw e;
                }
                buffers.add(lostBuffer(name, e.getMessage().substring(file.toString().length() + 2)));
            }
        }
    }

    /** A buffer whose CPU table is unreadable: every CPU's data is lost, for {@code reason}. */
    private TraceData.Buffer lostBuffer(String name, String reason) {
        List<TraceData.CpuData> list = new ArrayList<>();
        for (int c = 0; c < cpus; c++) {
            list.add(new TraceData.CpuData(c, new TraceData.PageSource(file, 0, 0), "",
                    List.of(new TraceData.Dropped(0, 0, reason))));
        }
        return new TraceData.Buffer(name, clock, list);
    }

    private int cpuCount(long n) throws DamagedTraceException {
        if (n > MAX_CPUS) {
            throw damaged("cpu count " + n + " at byte " + (in.pos() - 4) + " is more than " + MAX_CPUS);
        }
        return (int) n;
    }

    static String printable(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.codePoints().map(c -> c < 0x20 || c == 0x7f || c == 0xfffd ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
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
                    stats(name, c)));
        }
        return new TraceData.Buffer(name, clk, list);
    }

    /** One option; a payload too short or unreadable for its id is damage, said with the option's id. */
    private void option(int id, byte[] data, int version) throws IOException {
        long at = in.pos() - data.length;
        try {
            optionValue(id, data, version);
        } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw damaged("option " + id + " of " + data.length + " bytes at byte " + at + " is unreadable ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    private void optionValue(int id, byte[] data, int version) throws IOException {
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
                if (t.startsWith("Buffer:")) {
                    statsBuffer = t.substring(7).strip();
                } else if (t.startsWith("CPU:")) {
                    int nl = t.indexOf('\n');
                    statsText.computeIfAbsent(statsBuffer, k -> new LinkedHashMap<>()).put(
                            Integer.parseInt(t.substring(4, nl < 0 ? t.length() : nl).strip()),
                            nl < 0 ? "" : t.substring(nl + 1));
                }
            }
            case 8 -> cpus = cpuCount(b.getInt(0) & 0xffffffffL);
            case TraceDatWriter.OPTION_BUFFER -> {
                if (version == 6) {
                    v6Buffers.add(new Object[] {b.getLong(0), cstring(data, 8)});
                } else {
                    buffers.add(bufferV7(data));
                }
            }
            case TraceDatWriter.OPTION_CONTAINERS -> {
                String text = cstring(data, 0);
                try {
                    containers = ContainerMap.parse(text);
                } catch (IllegalArgumentException e) {
                    if (text.startsWith("nstrace-containers")) {
                        throw e; // nstrace's own map, damaged
                    }
                    // a private option of another tool with the same id: ignore it
                }
            }
            default -> v7Section(id, b, version);
        }
    }

    /** The CPUSTAT text of {@code cpu} in buffer {@code name} ("" for the top buffer), empty when absent. */
    private String stats(String name, int cpu) {
        return statsText.getOrDefault(name, Map.of()).getOrDefault(cpu, "");
    }

    static String cstring(byte[] data, int from) {
        int end = from;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, from, end - from, StandardCharsets.UTF_8);
    }

    private TraceData.Buffer bufferV7(byte[] data) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(order);
        long section = b.getLong(0);
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
            list.add(new TraceData.CpuData(cpu, new TraceData.PageSource(file, off, size), stats(name, cpu)));
        }
        if (name.isEmpty() && clock.isEmpty()) {
            clock = clk; // the TRACECLOCK option's full text, when there is one, says more
        }
        if (n > 0 && flyrecordCompressed(section)) {
            compressedBuffers.add(name);
        }
        return new TraceData.Buffer(name, clk, list);
    }

    /**
     * Whether the flyrecord section at {@code at} (a BUFFER option's) holds its CPU data compressed in chunks; a
     * section past the end of a cut file is taken to be as the file's compression says (its CPUs' data is missing
     * anyway, which the decompression reports per CPU).
     */
    private boolean flyrecordCompressed(long at) throws IOException {
        if (at < 0 || at > fileIn.size() - 16) {
            return zstd != null;
        }
        BinIn options = in;
        long back = in.pos();
        in = fileIn;
        in.seek(at);
        boolean zipped = sectionHeader(TraceDatWriter.OPTION_BUFFER);
        in = options;
        in.seek(back);
        return zipped;
    }

    private void readV7() throws IOException {
        compression = in.cstr();
        String compVersion = in.cstr();
        if (compression.equals(Zstd.NAME)) {
            zstd = new Zstd();
        } else if (!compression.equals("none")) {
            throw new IOException(file + ": trace.dat compressed with " + printable(compression) + " "
                    + printable(compVersion) + ", which nstrace cannot read (it reads zstd and uncompressed files);"
                    + " convert it with: trace-cmd convert --compression zstd -i " + file + " -o OUT.dat");
        }
        long next = in.u64();
        dataStart = in.pos();
        while (next != 0) {
            if (!v7Sections.add(next)) {
                throw damaged("option sections loop back to byte " + next);
            }
            in.seek(next);
            boolean zipped = sectionHeader(0);
            if (zipped) {
                in = block("options section at byte " + next);
            }
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
            in = fileIn;
        }
        buffers.sort((a, b) -> a.name().isEmpty() ? -1 : b.name().isEmpty() ? 1 : 0);
    }

    /** Reads a section header, which must be of {@code expectedId}; true when its content is compressed. */
    private boolean sectionHeader(int expectedId) throws IOException {
        int id = in.u16();
        int flags = in.u16();
        in.u32(); // description string id
        in.u64(); // size
        if (id != expectedId) {
            throw damaged("section " + id + " where " + expectedId + " was expected at byte " + (in.pos() - 16));
        }
        boolean zipped = (flags & V7Writer.FLAG_COMPRESSED) != 0;
        if (zipped && zstd == null) {
            throw damaged("section " + id + " at byte " + (in.pos() - 16) + " is flagged compressed in a file"
                    + " whose compression is " + printable(compression));
        }
        return zipped;
    }

    /** Largest decompressed section accepted (kallsyms of a big kernel is tens of MB): more is a damaged size. */
    static final int MAX_SECTION = 1 << 26;

    /**
     * The compressed block at the file position (u32 compressed size, u32 size, zstd data), decompressed, to read
     * from; {@code what} names it in messages.
     */
    private BinIn block(String what) throws IOException {
        long at = in.pos();
        long packed = in.u32();
        long size = in.u32();
        if (size > MAX_SECTION) {
            throw damaged(what + ": decompressed size " + size + " at byte " + (at + 4) + " is more than "
                    + MAX_SECTION);
        }
        byte[] data = in.bytes(packed);
        try {
            return BinIn.of(zstd.decompress(data, 0, data.length, (int) size), file + ": " + what
                    + " (decompressed)", order);
        } catch (IllegalArgumentException e) {
            throw damaged(what + ": " + e.getMessage());
        }
    }

    private void v7Section(int id, java.nio.ByteBuffer b, int version) throws IOException {
        if (version != 7 || id < 16 || id > 21) {
            return; // unknown or irrelevant option: skipped as trace-cmd does
        }
        BinIn options = in;
        long back = in.pos();
        in = fileIn;
        long at = b.getLong(0);
        in.seek(at);
        if (sectionHeader(id)) {
            in = block("section " + id + " at byte " + at);
        }
        switch (id) {
            case 16 -> readHeaders();
            case 17 -> readFtrace();
            case 18 -> readEvents();
            case 19 -> kallsyms = in.bytes(in.u32());
            case 20 -> printk = in.bytes(in.u32());
            default -> cmdlines = in.text(in.u64());
        }
        in = options;
        in.seek(back);
    }
}
