package io.nstrace.format.tracedat;

import io.nstrace.format.TraceData;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a trace.dat version 6 (the layout of trace-cmd's {@code --file-version 6}): headers, formats, symbols,
 * cmdlines, options (UNAME, TRACECLOCK, DATE, CPUSTAT, VERSION, BUFFER for each extra buffer, and the container map
 * as the private option {@link #OPTION_CONTAINERS}), then each buffer's flyrecord table and page-aligned per-CPU
 * pages. The layout is computed first, so the output is a plain forward-only stream.
 */
public final class TraceDatWriter {
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

    public static void write(TraceData data, OutputStream out) throws IOException {
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

    private static long copy(TraceData.PageSource src, OutputStream out) throws IOException {
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
        byte[] hp = d.headerPage().text().getBytes(StandardCharsets.UTF_8);
        byte[] he = d.headerEvent().getBytes(StandardCharsets.UTF_8);
        b.cstr("header_page").u64(hp.length).raw(hp);
        b.cstr("header_event").u64(he.length).raw(he);
        b.u32(d.ftraceFormats().size());
        for (String f : d.ftraceFormats()) {
            byte[] t = f.getBytes(StandardCharsets.UTF_8);
            b.u64(t.length).raw(t);
        }
        b.u32(d.eventFormats().size());
        for (Map.Entry<String, List<String>> sys : d.eventFormats().entrySet()) {
            b.cstr(sys.getKey()).u32(sys.getValue().size());
            for (String f : sys.getValue()) {
                byte[] t = f.getBytes(StandardCharsets.UTF_8);
                b.u64(t.length).raw(t);
            }
        }
        b.u32(d.kallsyms().length).raw(d.kallsyms());
        b.u32(d.printkFormats().length).raw(d.printkFormats());
        byte[] cmd = d.cmdlines().getBytes(StandardCharsets.UTF_8);
        b.u64(cmd.length).raw(cmd);
        b.u32(d.cpuCount());
        return b.cstr("options  ").toByteArray();
    }

    private static byte[] options(TraceData d, long[] bufferOffsets) {
        BinOut b = new BinOut(d.order());
        TraceData.Options o = d.options();
        if (!o.uname().isEmpty()) {
            option(b, OPTION_UNAME, cstrBytes(o.uname()));
        }
        if (o.version() != null && !o.version().isEmpty()) {
            option(b, OPTION_VERSION, cstrBytes(o.version()));
        }
        if (!o.clock().isEmpty()) {
            option(b, OPTION_TRACECLOCK, new byte[0]);
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
        for (int i = 1; i < d.buffers().size(); i++) {
            option(b, OPTION_BUFFER, new BinOut(d.order()).u64(bufferOffsets[i - 1])
                    .cstr(d.buffers().get(i).name()).toByteArray());
        }
        if (o.containers() != null && !o.containers().containers().isEmpty() || o.containers() != null
                && !o.containers().tasks().isEmpty()) {
            option(b, OPTION_CONTAINERS, cstrBytes(o.containers().serialise()));
        }
        return b.u16(0).toByteArray();
    }

    private static void option(BinOut b, int id, byte[] payload) {
        b.u16(id).u32(payload.length).raw(payload);
    }

    private static byte[] cstrBytes(String s) {
        return new BinOut(java.nio.ByteOrder.LITTLE_ENDIAN).cstr(s).toByteArray();
    }
}
