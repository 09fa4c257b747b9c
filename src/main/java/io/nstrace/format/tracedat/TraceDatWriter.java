package io.nstrace.format.tracedat;

import io.nstrace.format.TraceData;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a trace.dat, version 7 by default (trace-cmd 3's default: sections located through options, the data
 * compressed with zstd; see {@link V7Writer}) or version 6 (the layout of trace-cmd's {@code --file-version 6}):
 * headers, formats, symbols, cmdlines, options (UNAME, TRACECLOCK, DATE, CPUSTAT, VERSION, BUFFER for each extra
 * buffer, and the container map as the private option {@link #OPTION_CONTAINERS}), then each buffer's flyrecord
 * table and page-aligned per-CPU pages. The layout is computed first, so the output is a plain forward-only stream
 * (a pipe will do).
 */
public final class TraceDatWriter {
    /**
     * What to write. {@code version} 6 or 7; {@code compress}: a version 7 file's sections and CPU data compressed
     * with zstd (else its compression is "none"); {@code scratch}: a directory where the compressed CPU data waits,
     * in an unnamed file, until its sizes are known (they come before it in the file).
     */
    public record Settings(int version, boolean compress, Path scratch) {
        public static final int DEFAULT_VERSION = 7;

        public Settings {
            if (version != 6 && version != 7) {
                throw new IllegalArgumentException("trace.dat version " + version + " is not 6 or 7");
            }
        }

        /** {@code version} (6, or 7 compressed with zstd), compressed data waiting in {@code scratch}. */
        public static Settings of(int version, Path scratch) {
            return new Settings(version, version == 7, scratch);
        }
    }

    /**
     * The scratch directory for writing {@code data} to {@code output}: the output's directory (where the file is
     * about to go anyway), or for stdout ({@code output} null) the directory of the data's pages when it can be
     * written (the session's spool), else {@code tmpDir}.
     */
    public static Path scratchFor(TraceData data, Path output, Path tmpDir) {
        if (output != null) {
            Path parent = output.toAbsolutePath().getParent();
            return parent == null ? tmpDir : parent;
        }
        for (TraceData.Buffer b : data.buffers()) {
            for (TraceData.CpuData c : b.cpus()) {
                Path dir = c.pages().file().toAbsolutePath().getParent();
                if (dir != null && Files.isDirectory(dir) && Files.isWritable(dir)) {
                    return dir;
                }
            }
        }
        return tmpDir;
    }
    public static final int OPTION_DATE = 1;
    public static final int OPTION_CPUSTAT = 2;
    public static final int OPTION_BUFFER = 3;
    public static final int OPTION_TRACECLOCK = 4;
    public static final int OPTION_UNAME = 5;
    public static final int OPTION_VERSION = 9;
    /** nstrace's container map; well above trace-cmd's ids (0-25), which skips unknown options. */
    public static final int OPTION_CONTAINERS = 64;
    static final byte[] MAGIC = {0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g'};

    private TraceDatWriter() {
    }

    /** {@code data} as a version 7 file compressed with zstd, the compressed data waiting in java.io.tmpdir. */
    public static void write(TraceData data, OutputStream out) throws IOException {
        write(data, out, Settings.of(Settings.DEFAULT_VERSION, Path.of(System.getProperty("java.io.tmpdir"))));
    }

    public static void write(TraceData data, OutputStream out, Settings settings) throws IOException {
        if (settings.version() == 7) {
            V7Writer.write(data, out, settings.compress(), settings.scratch());
        } else {
            writeV6(data, out);
        }
    }

    private static void writeV6(TraceData data, OutputStream out) throws IOException {
        byte[] head = header(data);
        int extra = data.buffers().size() - 1;
        byte[] options = options(data, new long[Math.max(0, extra)]);
        long pos = head.length + options.length;
        List<BufferLayout> layouts = new ArrayList<>();
        long[] bufferOffsets = new long[Math.max(0, extra)];
        for (int i = 0; i < data.buffers().size(); i++) {
            if (i > 0) {
                bufferOffsets[i - 1] = pos;
            }
            BufferLayout l = layout(data, data.buffers().get(i), pos);
            layouts.add(l);
            pos = l.end;
        }
        options = options(data, bufferOffsets);
        out.write(head);
        out.write(options);
        long written = head.length + options.length;
        for (int i = 0; i < layouts.size(); i++) {
            written = writeBuffer(data, data.buffers().get(i), layouts.get(i), out, written);
        }
        out.flush();
    }

    private record BufferLayout(byte[] table, long[] offsets, long[] sizes, long end) {
    }

    private static BufferLayout layout(TraceData data, TraceData.Buffer buffer, long start) {
        int cpus = data.cpuCount();
        byte[] clock = data.options().clock().getBytes(StandardCharsets.UTF_8);
        long tableLen = 10 + 16L * cpus + 8 + clock.length;
        long pos = align(start + tableLen, data.pageSize());
        long[] offsets = new long[cpus];
        long[] sizes = new long[cpus];
        for (int c = 0; c < cpus; c++) {
            long size = 0;
            for (TraceData.CpuData cd : buffer.cpus()) {
                if (cd.cpu() == c) {
                    size = align(cd.pages().length(), data.pageSize());
                }
            }
            offsets[c] = pos;
            sizes[c] = size;
            pos = align(pos + size, data.pageSize());
        }
        BinOut t = new BinOut(data.order()).cstr("flyrecord");
        for (int c = 0; c < cpus; c++) {
            t.u64(offsets[c]).u64(sizes[c]);
        }
        t.u64(clock.length).raw(clock);
        return new BufferLayout(t.toByteArray(), offsets, sizes, pos);
    }

    private static long writeBuffer(TraceData data, TraceData.Buffer buffer, BufferLayout l, OutputStream out,
                                    long written) throws IOException {
        out.write(l.table);
        written += l.table.length;
        for (int c = 0; c < l.offsets.length; c++) {
            written = pad(out, written, l.offsets[c]);
            for (TraceData.CpuData cd : buffer.cpus()) {
                if (cd.cpu() == c && cd.pages().length() > 0) {
                    written += copy(cd.pages(), out);
                }
            }
            written = pad(out, written, l.offsets[c] + l.sizes[c]);
        }
        return pad(out, written, l.end);
    }

    private static long pad(OutputStream out, long written, long target) throws IOException {
        if (target < written) {
            throw new IllegalStateException("layout overrun at " + written + " > " + target);
        }
        out.write(new byte[(int) (target - written)]);
        return target;
    }

    static long copy(TraceData.PageSource src, OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(src.file())) {
            in.skipNBytes(src.offset());
            byte[] buf = new byte[1 << 16];
            long left = src.length();
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("spool file shorter than recorded: " + src.file());
                }
                out.write(buf, 0, n);
                left -= n;
            }
            return src.length();
        }
    }

    static long align(long v, int page) {
        return (v + page - 1) / page * page;
    }

    private static byte[] header(TraceData d) {
        BinOut b = new BinOut(d.order()).raw(MAGIC).cstr("6");
        b.u8(d.order() == java.nio.ByteOrder.BIG_ENDIAN ? 1 : 0).u8(8).u32(d.pageSize());
        b.raw(headerInfo(d)).raw(ftraceFormats(d)).raw(eventFormats(d)).raw(kallsyms(d)).raw(printk(d))
                .raw(cmdlines(d));
        b.u32(d.cpuCount());
        return b.cstr("options  ").toByteArray();
    }

    /** header_page and header_event with their sizes (version 7's section 16). */
    static byte[] headerInfo(TraceData d) {
        byte[] hp = d.headerPage().text().getBytes(StandardCharsets.UTF_8);
        byte[] he = d.headerEvent().getBytes(StandardCharsets.UTF_8);
        return new BinOut(d.order()).cstr("header_page").u64(hp.length).raw(hp)
                .cstr("header_event").u64(he.length).raw(he).toByteArray();
    }

    /** The ftrace event formats (section 17). */
    static byte[] ftraceFormats(TraceData d) {
        BinOut b = new BinOut(d.order()).u32(d.ftraceFormats().size());
        for (String f : d.ftraceFormats()) {
            byte[] t = f.getBytes(StandardCharsets.UTF_8);
            b.u64(t.length).raw(t);
        }
        return b.toByteArray();
    }

    /** The other event formats by system (section 18). */
    static byte[] eventFormats(TraceData d) {
        BinOut b = new BinOut(d.order()).u32(d.eventFormats().size());
        for (Map.Entry<String, List<String>> sys : d.eventFormats().entrySet()) {
            b.cstr(sys.getKey()).u32(sys.getValue().size());
            for (String f : sys.getValue()) {
                byte[] t = f.getBytes(StandardCharsets.UTF_8);
                b.u64(t.length).raw(t);
            }
        }
        return b.toByteArray();
    }

    /** /proc/kallsyms with its size (section 19). */
    static byte[] kallsyms(TraceData d) {
        return new BinOut(d.order()).u32(d.kallsyms().length).raw(d.kallsyms()).toByteArray();
    }

    /** printk_formats with its size (section 20). */
    static byte[] printk(TraceData d) {
        return new BinOut(d.order()).u32(d.printkFormats().length).raw(d.printkFormats()).toByteArray();
    }

    /** saved_cmdlines with its size (section 21). */
    static byte[] cmdlines(TraceData d) {
        byte[] cmd = d.cmdlines().getBytes(StandardCharsets.UTF_8);
        return new BinOut(d.order()).u64(cmd.length).raw(cmd).toByteArray();
    }

    private static byte[] options(TraceData d, long[] bufferOffsets) {
        BinOut b = new BinOut(d.order());
        commonOptions(b, d, new byte[0]);
        for (int i = 1; i < d.buffers().size(); i++) {
            option(b, OPTION_BUFFER, new BinOut(d.order()).u64(bufferOffsets[i - 1])
                    .cstr(d.buffers().get(i).name()).toByteArray());
        }
        containersOption(b, d);
        return b.u16(0).toByteArray();
    }

    /**
     * The options of both versions: UNAME, VERSION, TRACECLOCK (with {@code clockPayload}: empty in version 6,
     * whose clock text follows each flyrecord table), DATE and the CPUSTATs.
     */
    static void commonOptions(BinOut b, TraceData d, byte[] clockPayload) {
        TraceData.Options o = d.options();
        if (!o.uname().isEmpty()) {
            option(b, OPTION_UNAME, cstrBytes(o.uname()));
        }
        if (o.version() != null && !o.version().isEmpty()) {
            option(b, OPTION_VERSION, cstrBytes(o.version()));
        }
        if (!o.clock().isEmpty()) {
            option(b, OPTION_TRACECLOCK, clockPayload);
        }
        if (o.dateOffsetUs() != null) {
            option(b, OPTION_DATE, cstrBytes("0x" + Long.toHexString(o.dateOffsetUs())));
        }
        for (int i = 0; i < d.buffers().size(); i++) {
            TraceData.Buffer buf = d.buffers().get(i);
            boolean any = buf.cpus().stream().anyMatch(cd -> !cd.stats().isEmpty());
            if (i > 0 && any) {
                // trace-cmd's layout (add_buffer_stat): a marker, then the named buffer's CPUs
                option(b, OPTION_CPUSTAT, cstrBytes("\nBuffer: " + buf.name() + "\n\n"));
            }
            for (TraceData.CpuData cd : buf.cpus()) {
                if (!cd.stats().isEmpty()) {
                    option(b, OPTION_CPUSTAT, cstrBytes("CPU: " + cd.cpu() + "\n" + cd.stats()));
                }
            }
        }
    }

    /** The container map, when there is one. */
    static void containersOption(BinOut b, TraceData d) {
        TraceData.Options o = d.options();
        if (o.containers() != null && !o.containers().containers().isEmpty() || o.containers() != null
                && !o.containers().tasks().isEmpty()) {
            option(b, OPTION_CONTAINERS, cstrBytes(o.containers().serialise()));
        }
    }

    static void option(BinOut b, int id, byte[] payload) {
        b.u16(id).u32(payload.length).raw(payload);
    }

    static byte[] cstrBytes(String s) {
        return new BinOut(java.nio.ByteOrder.LITTLE_ENDIAN).cstr(s).toByteArray();
    }
}
