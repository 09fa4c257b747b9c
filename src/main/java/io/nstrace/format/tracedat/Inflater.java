package io.nstrace.format.tracedat;

import io.nstrace.format.DamagedTraceException;
import io.nstrace.format.TraceData;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decompresses the CPU data of a compressed trace.dat version 7 into a scratch file, each CPU's pages
 * page-aligned there, and returns the data with its pages in that file, so that {@link PageScan} and the event
 * reader see the pages of an uncompressed file. Per CPU the file holds a u32 chunk count, then per chunk its
 * compressed size (u32), its size (u32, whole pages) and one zstd frame; all of it must lie within the CPU's
 * declared bytes and fill them exactly. Strict: the first damage throws, naming the file, the CPU and the byte.
 * Salvaging: the chunks before the damage are kept and the rest of the CPU's data is listed as dropped (its size
 * estimated from the chunk count when its sizes are unreadable).
 */
final class Inflater {
    /** Largest chunk accepted: trace-cmd's are 10 pages; more than this is a damaged size. */
    static final int MAX_CHUNK = 1 << 26;
    /**
     * How far a CPU's chunks may run past its declared size: trace-cmd 3.1 declares the size without the 4-byte
     * chunk count (its own reader goes by the count), later versions and nstrace with it.
     */
    static final int COUNT_SLACK = 4;
    /**
     * The fewest bytes a chunk can take: its two sizes (8) and the smallest zstd frame holding a page (magic 4, frame
     * header 2, block header 3, one RLE byte). A chunk count the data cannot hold is damage, and it bounds how much
     * a salvage counts as lost (a flipped bit in a count once made that a 160 TB scratch file: EFBIG).
     */
    static final int MIN_CHUNK_BYTES = 18;

    private final String name;
    private final FileChannel in;
    private final long fileSize;
    private final long dataStart;
    private final Zstd zstd;
    private final boolean salvage;

    Inflater(String name, FileChannel in, long dataStart, Zstd zstd, boolean salvage) throws IOException {
        this.name = name;
        this.in = in;
        this.fileSize = in.size();
        this.dataStart = dataStart;
        this.zstd = zstd;
        this.salvage = salvage;
    }

    /** {@code data} with the pages of {@code compressed} buffers (by name) and of the others copied to {@code out}. */
    TraceData inflate(TraceData data, Set<String> compressed, FileChannel out, Path outPath) throws IOException {
        long pos = 0;
        List<TraceData.Buffer> buffers = new ArrayList<>();
        for (TraceData.Buffer b : data.buffers()) {
            List<TraceData.CpuData> cpus = new ArrayList<>();
            for (TraceData.CpuData c : b.cpus()) {
                if (c.pages().length() == 0) {
                    cpus.add(new TraceData.CpuData(c.cpu(), new TraceData.PageSource(outPath, 0, 0), c.stats(),
                            c.dropped()));
                    continue;
                }
                String where = (b.name().isEmpty() ? "" : "buffer " + b.name() + " ") + "cpu " + c.cpu();
                pos = TraceDatWriter.align(pos, data.pageSize());
                Cpu cpu = new Cpu(where, c.pages(), out, pos, data.pageSize(), data.order());
                if (compressed.contains(b.name())) {
                    cpu.inflate();
                } else {
                    cpu.copy();
                }
                long length = cpu.written + cpu.lost;
                List<TraceData.Dropped> dropped = new ArrayList<>(c.dropped());
                if (cpu.reason != null) {
                    dropped.add(new TraceData.Dropped(pos + cpu.written, pos + length, cpu.reason));
                }
                cpus.add(new TraceData.CpuData(c.cpu(), new TraceData.PageSource(outPath, pos, length), c.stats(),
                        dropped));
                pos += length;
            }
            buffers.add(new TraceData.Buffer(b.name(), b.clock(), cpus));
        }
        if (out.size() < pos) {
            out.write(ByteBuffer.allocate(1), pos - 1); // a lost tail reads as zeroes, inside the file
        }
        return new TraceData(data.pageSize(), data.order(), data.headerPage(), data.headerEvent(),
                data.ftraceFormats(), data.eventFormats(), data.kallsyms(), data.printkFormats(), data.cmdlines(),
                data.cpuCount(), data.options(), buffers);
    }

    /** One CPU's data being decompressed: what is written so far, and what is lost and why (salvage). */
    private final class Cpu {
        final String where;
        final long from;
        final long end;
        /** The end chunks may reach ({@link #COUNT_SLACK}). */
        final long limit;
        final FileChannel out;
        final long base;
        final int pageSize;
        final ByteOrder order;
        long at;
        long written;
        long lost;
        String reason;

        Cpu(String where, TraceData.PageSource src, FileChannel out, long base, int pageSize, ByteOrder order) {
            this.where = where;
            this.from = src.offset();
            this.end = src.offset() + src.length();
            this.limit = end + COUNT_SLACK;
            this.out = out;
            this.base = base;
            this.pageSize = pageSize;
            this.order = order;
            this.at = from;
        }

        /** The chunks, each decompressed and appended. */
        void inflate() throws IOException {
            if (!placed()) {
                return;
            }
            long count;
            try {
                count = u32("chunk count");
                long room = Math.max(0, limit - at) / MIN_CHUNK_BYTES;
                if (count > room) {
                    throw new Damage("declares " + count + " chunks at byte " + (at - 4) + ", its " + (limit - at)
                            + " bytes hold at most " + room);
                }
            } catch (Damage d) {
                fail(d.getMessage(), pageSize);
                return;
            }
            long largest = (long) V7Writer.PAGES_IN_CHUNK * pageSize;
            for (long k = 0; k < count; k++) {
                long chunkAt = at;
                try {
                    long packed = u32("chunk " + k + " compressed size");
                    long size = u32("chunk " + k + " size");
                    if (size == 0 || size % pageSize != 0 || size > MAX_CHUNK) {
                        throw new Damage("chunk " + k + " at byte " + chunkAt + " declares " + size
                                + " bytes, not a whole number of " + pageSize + "-byte pages up to " + MAX_CHUNK);
                    }
                    if (packed > limit - at) {
                        throw new Damage("chunk " + k + " at byte " + chunkAt + " declares " + packed
                                + " compressed bytes, " + (limit - at) + " are left of the cpu's data"
                                + (end > fileSize ? " (the file is cut)" : ""));
                    }
                    byte[] zipped = read(at, (int) packed);
                    at += packed;
                    byte[] pages;
                    try {
                        pages = zstd.decompress(zipped, 0, zipped.length, (int) size);
                    } catch (IllegalArgumentException e) {
                        throw new Damage("chunk " + k + " at byte " + chunkAt + ": " + e.getMessage());
                    }
                    write(pages);
                    largest = Math.max(largest, size); // of chunks that proved whole: a damaged size sizes no loss
                } catch (Damage d) {
                    fail(d.getMessage(), (count - k) * largest);
                    return;
                }
            }
            if (at != end && at != limit) {
                fail(count + " chunks end at byte " + at + ", the cpu's data at byte " + end, 0);
            }
        }

        /** The data of an uncompressed buffer (in a compressed file), copied as it is. */
        void copy() throws IOException {
            if (!placed()) {
                return;
            }
            long keep = Math.min(end, fileSize) - from;
            long whole = keep / pageSize * pageSize;
            for (long done = 0; done < whole; done += 1 << 20) {
                write(read(from + done, (int) Math.min(1 << 20, whole - done)));
            }
            if (end > fileSize) {
                fail("data ends at byte " + fileSize + ", file declares " + end,
                        TraceDatWriter.align(end - from, pageSize) - whole);
            }
        }

        /** Where the data lies: after the headers and starting inside the file. */
        private boolean placed() throws IOException {
            if (from < dataStart || from >= fileSize || end < from) {
                fail("data at byte " + from + " (" + (end - from) + " bytes) is "
                        + (from >= fileSize ? "past the end of the file (" + fileSize + " bytes)"
                        : from < dataStart ? "inside the headers (they end at byte " + dataStart + ")"
                        : "impossible"), pageSize);
                return false;
            }
            return true;
        }

        private void fail(String why, long lostBytes) throws DamagedTraceException {
            String text = where + " " + why;
            if (!salvage) {
                throw new DamagedTraceException(name + ": " + text);
            }
            reason = why;
            lost = Math.max(pageSize, TraceDatWriter.align(lostBytes, pageSize));
        }

        private long u32(String what) throws IOException {
            if (limit - at < 4 || at + 4 > fileSize) {
                throw new Damage(what + " at byte " + at + ": " + (at + 4 > fileSize
                        ? "data ends at byte " + fileSize + ", file declares " + end
                        : "past the cpu's data (it ends at byte " + end + ")"));
            }
            long v = ByteBuffer.wrap(read(at, 4)).order(order).getInt() & 0xffffffffL;
            at += 4;
            return v;
        }

        private byte[] read(long pos, int n) throws IOException {
            if (pos + n > fileSize) {
                throw new Damage("data ends at byte " + fileSize + ", file declares " + end);
            }
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining()) {
                if (in.read(b, pos + b.position()) < 0) {
                    throw new Damage("file shrank while being read, at byte " + pos);
                }
            }
            return b.array();
        }

        private void write(byte[] pages) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(pages);
            long to = base + written;
            while (b.hasRemaining()) {
                to += out.write(b, to);
            }
            written += pages.length;
        }
    }

    /** Damage inside one CPU's data: strict reads rethrow it naming the file, salvaging ones stop the CPU there. */
    private static final class Damage extends IOException {
        Damage(String message) {
            super(message);
        }
    }
}
