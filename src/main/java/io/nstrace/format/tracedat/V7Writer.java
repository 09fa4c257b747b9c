package io.nstrace.format.tracedat;

import io.nstrace.format.TraceData;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a trace.dat version 7 as trace-cmd 3 does (trace-cmd.dat.v7(5)): the header names the compression and
 * points to the first options section; then the sections, each with a 16-byte header (id, flags, description
 * string id, size): header info, ftrace and event formats, kallsyms, printk formats, cmdlines (each compressed
 * whole), the options (CPUSTAT, UNAME, ..., the container map, the locations of those sections and one BUFFER
 * option per buffer), each buffer's flyrecord section (per CPU, page-aligned: the pages compressed in chunks of
 * 10 pages, each chunk one zstd frame with its compressed and uncompressed sizes), and the strings section (the
 * section descriptions).
 *
 * <p>Every offset is known before the first byte goes out, so the output is a forward-only stream: each CPU's
 * pages are compressed chunk by chunk into an unnamed scratch file first (memory stays flat however long the
 * trace), then copied out. Without compression ("none") the pages are copied straight from their source.
 */
final class V7Writer {
    static final int SECTION_OPTIONS = 0;
    static final int SECTION_BUFFER = TraceDatWriter.OPTION_BUFFER;
    static final int OPTION_CPUCOUNT = 8;
    static final int SECTION_STRINGS = 15;
    static final int SECTION_HEADER_INFO = 16;
    static final int SECTION_CMDLINES = 21;
    static final int FLAG_COMPRESSED = 1;
    /** Pages per compressed chunk, as trace-cmd (PAGES_IN_CHUNK). */
    static final int PAGES_IN_CHUNK = 10;
    private static final int SECTION_HEADER = 16;

    private final TraceData d;
    private final boolean compress;
    private final Zstd zstd = new Zstd();
    private final Map<String, Integer> strings = new LinkedHashMap<>();
    private int stringsSize;

    /** One CPU's data in the output: {@code size} bytes from the scratch file at {@code from}, or its pages. */
    private record Blob(TraceData.CpuData source, long from, long size) {
    }

    private V7Writer(TraceData d, boolean compress) {
        this.d = d;
        this.compress = compress;
    }

    static void write(TraceData d, OutputStream out, boolean compress, Path scratch) throws IOException {
        V7Writer w = new V7Writer(d, compress);
        if (!compress) {
            w.writeAll(out, null);
            return;
        }
        // unlinked as soon as it is open (DELETE_ON_CLOSE on Linux): nothing is left behind, even after a kill
        Path file = scratch.resolve(".nstrace-" + UUID.randomUUID() + ".zst");
        try (FileChannel tmp = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
            w.writeAll(out, tmp);
        }
    }

    private int string(String s) {
        return strings.computeIfAbsent(s, k -> {
            int at = stringsSize;
            stringsSize += k.getBytes(StandardCharsets.UTF_8).length + 1;
            return at;
        });
    }

    private void writeAll(OutputStream out, FileChannel tmp) throws IOException {
        List<List<Blob>> blobs = new ArrayList<>();
        for (TraceData.Buffer b : d.buffers()) {
            List<Blob> list = new ArrayList<>();
            for (int c = 0; c < d.cpuCount(); c++) {
                list.add(blob(b, c, tmp));
            }
            blobs.add(list);
        }
        string("options");
        byte[][] meta = {
                section(SECTION_HEADER_INFO, "headers", TraceDatWriter.headerInfo(d)),
                section(17, "ftrace events", TraceDatWriter.ftraceFormats(d)),
                section(18, "events format", TraceDatWriter.eventFormats(d)),
                section(19, "kallsyms", TraceDatWriter.kallsyms(d)),
                section(20, "printk", TraceDatWriter.printk(d)),
                section(SECTION_CMDLINES, "command lines", TraceDatWriter.cmdlines(d))};
        for (TraceData.Buffer b : d.buffers()) {
            string("buffer flyrecord " + b.name());
        }
        string("strings");

        byte[] head = new BinOut(d.order()).raw(TraceDatWriter.MAGIC).cstr("7")
                .u8(d.order() == java.nio.ByteOrder.BIG_ENDIAN ? 1 : 0).u8(8).u32(d.pageSize())
                .cstr(compress ? Zstd.NAME : "none").cstr(compress ? Zstd.VERSION : "").toByteArray();
        long pos = head.length + 8;
        long[] metaAt = new long[meta.length];
        for (int i = 0; i < meta.length; i++) {
            metaAt[i] = pos;
            pos += meta[i].length;
        }
        long optionsAt = pos;
        pos += options(metaAt, new long[d.buffers().size()], new long[d.buffers().size()][d.cpuCount()], blobs)
                .length;
        // each buffer's flyrecord section: header, then each CPU's data page-aligned
        long[] bufferAt = new long[d.buffers().size()];
        long[][] cpuAt = new long[d.buffers().size()][d.cpuCount()];
        for (int b = 0; b < bufferAt.length; b++) {
            bufferAt[b] = pos;
            pos += SECTION_HEADER;
            for (int c = 0; c < d.cpuCount(); c++) {
                pos = TraceDatWriter.align(pos, d.pageSize());
                cpuAt[b][c] = pos;
                pos += blobs.get(b).get(c).size;
            }
        }
        long dataEnd = pos;

        out.write(head);
        out.write(new BinOut(d.order()).u64(optionsAt).toByteArray());
        for (byte[] m : meta) {
            out.write(m);
        }
        byte[] options = options(metaAt, bufferAt, cpuAt, blobs);
        out.write(options);
        long written = optionsAt + options.length;
        for (int b = 0; b < bufferAt.length; b++) {
            long end = b + 1 < bufferAt.length ? bufferAt[b + 1] : dataEnd;
            out.write(sectionHeader(SECTION_BUFFER, compress ? FLAG_COMPRESSED : 0,
                    string("buffer flyrecord " + d.buffers().get(b).name()), end - bufferAt[b] - SECTION_HEADER));
            written += SECTION_HEADER;
            for (int c = 0; c < d.cpuCount(); c++) {
                written = pad(out, written, cpuAt[b][c]);
                written += copyBlob(blobs.get(b).get(c), out, tmp);
            }
        }
        if (written != dataEnd) {
            throw new IllegalStateException("trace.dat layout: wrote " + written + " bytes, planned " + dataEnd);
        }
        BinOut names = new BinOut(d.order());
        strings.keySet().forEach(names::cstr);
        out.write(section(SECTION_STRINGS, "strings", names.toByteArray()));
        out.flush();
    }

    /**
     * The one options section: where the other sections are, the options both versions share, the CPU count, the
     * container map, and one BUFFER option per buffer (where its flyrecord section and CPUs' data lie). trace-cmd
     * puts its BUFFER options in a second section after the data; here they come first, so a file cut inside its
     * data still says where each CPU's data starts ({@code --salvage}). Its length does not depend on the offsets.
     */
    private byte[] options(long[] metaAt, long[] bufferAt, long[][] cpuAt, List<List<Blob>> blobs) {
        BinOut b = new BinOut(d.order());
        for (int i = 0; i < metaAt.length; i++) {
            TraceDatWriter.option(b, SECTION_HEADER_INFO + i, new BinOut(d.order()).u64(metaAt[i]).toByteArray());
        }
        TraceDatWriter.commonOptions(b, d, TraceDatWriter.cstrBytes(d.options().clock()));
        TraceDatWriter.option(b, OPTION_CPUCOUNT, new BinOut(d.order()).u32(d.cpuCount()).toByteArray());
        TraceDatWriter.containersOption(b, d);
        for (int i = 0; i < bufferAt.length; i++) {
            TraceData.Buffer buf = d.buffers().get(i);
            BinOut o = new BinOut(d.order()).u64(bufferAt[i]).cstr(buf.name())
                    .cstr(TraceData.selectedClock(buf.clock().isEmpty() ? d.options().clock() : buf.clock()))
                    .u32(d.pageSize()).u32(d.cpuCount());
            for (int c = 0; c < d.cpuCount(); c++) {
                long size = blobs.get(i).get(c).size;
                o.u32(c).u64(size == 0 ? 0 : cpuAt[i][c]).u64(size);
            }
            TraceDatWriter.option(b, TraceDatWriter.OPTION_BUFFER, o.toByteArray());
        }
        TraceDatWriter.option(b, 0, new BinOut(d.order()).u64(0).toByteArray()); // DONE: no other section
        return section(SECTION_OPTIONS, "options", b.toByteArray(), false);
    }

    private byte[] section(int id, String description, byte[] payload) {
        return section(id, description, payload, compress);
    }

    /** A section: its header, then {@code payload}, compressed as one block (sizes first) when {@code zip}. */
    private byte[] section(int id, String description, byte[] payload, boolean zip) {
        byte[] body = payload;
        if (zip) {
            byte[] c = new byte[zstd.bound(payload.length)];
            int n = zstd.compress(payload, 0, payload.length, c);
            body = new BinOut(d.order()).u32(n).u32(payload.length).raw(java.util.Arrays.copyOf(c, n))
                    .toByteArray();
        }
        return new BinOut(d.order()).raw(sectionHeader(id, zip ? FLAG_COMPRESSED : 0, string(description),
                body.length)).raw(body).toByteArray();
    }

    private byte[] sectionHeader(int id, int flags, int description, long size) {
        return new BinOut(d.order()).u16(id).u16(flags).u32(description).u64(size).toByteArray();
    }

    /** CPU {@code cpu}'s pages of {@code buffer}, padded to whole pages: compressed into {@code tmp} if it is set. */
    private Blob blob(TraceData.Buffer buffer, int cpu, FileChannel tmp) throws IOException {
        TraceData.CpuData source = null;
        for (TraceData.CpuData cd : buffer.cpus()) {
            if (cd.cpu() == cpu && cd.pages().length() > 0) {
                source = cd;
            }
        }
        if (source == null) {
            return new Blob(null, 0, 0);
        }
        long raw = TraceDatWriter.align(source.pages().length(), d.pageSize());
        if (tmp == null) {
            return new Blob(source, 0, raw);
        }
        long from = tmp.position();
        int chunk = PAGES_IN_CHUNK * d.pageSize();
        byte[] in = new byte[chunk];
        byte[] packed = new byte[zstd.bound(chunk)];
        ByteBuffer sizes = ByteBuffer.allocate(8).order(d.order());
        long chunks = (raw + chunk - 1) / chunk;
        writeFully(tmp, ByteBuffer.allocate(4).order(d.order()).putInt(0, (int) chunks));
        try (InputStream pages = Files.newInputStream(source.pages().file())) {
            pages.skipNBytes(source.pages().offset());
            long left = source.pages().length();
            for (long done = 0; done < raw; done += chunk) {
                int len = (int) Math.min(chunk, raw - done);
                int got = pages.readNBytes(in, 0, (int) Math.min(len, left));
                if (got < Math.min(len, left)) {
                    throw new IOException("spool file shorter than recorded: " + source.pages().file());
                }
                left -= got;
                java.util.Arrays.fill(in, got, len, (byte) 0); // the last page's padding
                int n = zstd.compress(in, 0, len, packed);
                writeFully(tmp, sizes.clear().putInt(0, n).putInt(4, len));
                writeFully(tmp, ByteBuffer.wrap(packed, 0, n));
            }
        }
        return new Blob(source, from, tmp.position() - from);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private long copyBlob(Blob blob, OutputStream out, FileChannel tmp) throws IOException {
        if (blob.size == 0) {
            return 0;
        }
        if (tmp == null) {
            long n = TraceDatWriter.copy(blob.source.pages(), out);
            return pad(out, n, blob.size);
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long at = blob.from;
        long end = blob.from + blob.size;
        while (at < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - at));
            int n = tmp.read(buf, at);
            if (n < 0) {
                throw new IOException("scratch file shorter than written");
            }
            out.write(buf.array(), 0, n);
            at += n;
        }
        return blob.size;
    }

    private static long pad(OutputStream out, long written, long target) throws IOException {
        if (target < written) {
            throw new IllegalStateException("trace.dat layout overrun at " + written + " > " + target);
        }
        out.write(new byte[(int) (target - written)]);
        return target;
    }
}
