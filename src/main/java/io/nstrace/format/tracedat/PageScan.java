package io.nstrace.format.tracedat;

import io.nstrace.format.DamagedTraceException;
import io.nstrace.format.TraceData;

import io.nstrace.format.ringbuffer.EventDecoder;
import io.nstrace.format.ringbuffer.EventFormat;
import io.nstrace.format.ringbuffer.FieldFormat;
import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.format.ringbuffer.PageDecoder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the CPU data of a trace file before anything is decoded from it: every CPU's declared offset and size
 * against the file's size, the page size and each other, then every page (its commit length, every event's
 * header and length, that each event is at least as long as its type's format, and that time never goes
 * back from one page to the next). A strict check throws the first damage found; a salvaging one returns the
 * data with each damaged part listed in {@link TraceData.CpuData#dropped()}, which {@link EventReader} skips and
 * marks as lost.
 */
public final class PageScan {
    private final FileChannel ch;
    private final String name;
    private final long fileSize;
    private final TraceData data;
    private final int pageSize;
    private final Map<Integer, Integer> minLength = new HashMap<>();
    private final ByteBuffer page;

    /** One CPU's declared pages and what is found wrong in them, as file ranges with reasons. */
    private static final class Region {
        final int buffer;
        final TraceData.CpuData cpu;
        final String where;
        final long offset;
        long end;
        long intactEnd;
        boolean impossible;
        final List<TraceData.Dropped> bad = new ArrayList<>();

        Region(int buffer, TraceData.CpuData cpu, String where) {
            this.buffer = buffer;
            this.cpu = cpu;
            this.where = where;
            this.offset = cpu.pages().offset();
            this.end = offset + cpu.pages().length();
            this.intactEnd = end;
            bad.addAll(cpu.dropped()); // found before (a decompression that stopped): never scanned
        }

        void drop(long from, long to, String reason) {
            bad.add(new TraceData.Dropped(from, to, reason));
        }
    }

    private PageScan(FileChannel ch, String name, TraceData data) throws IOException {
        this.ch = ch;
        this.name = name;
        this.fileSize = ch.size();
        this.data = data;
        this.pageSize = data.pageSize();
        this.page = ByteBuffer.allocate(pageSize).order(data.order());
        for (EventFormat f : data.formatsById().values()) {
            int min = 8; // the common fields every event starts with
            for (FieldFormat field : f.fields()) {
                min = Math.max(min, field.offset() + field.size());
            }
            minLength.put(f.id(), min);
        }
    }

    /**
     * {@code data} (read from {@code ch}, named {@code name} in messages) checked as described above; CPU data
     * must start at or after {@code dataStart}. Strict ({@code salvage} false): throws on the first damage.
     */
    static TraceData check(TraceData data, FileChannel ch, String name, long dataStart, boolean salvage)
            throws IOException {
        return new PageScan(ch, name, data).run(dataStart, salvage);
    }

    private TraceData run(long dataStart, boolean salvage) throws IOException {
        List<Region> regions = new ArrayList<>();
        for (int b = 0; b < data.buffers().size(); b++) {
            TraceData.Buffer buf = data.buffers().get(b);
            for (TraceData.CpuData c : buf.cpus()) {
                if (c.pages().length() != 0) {
                    String where = (buf.name().isEmpty() ? "" : "buffer " + buf.name() + " ") + "cpu " + c.cpu();
                    regions.add(new Region(b, c, where));
                }
            }
        }
        for (Region r : regions) {
            checkPlacement(r, dataStart);
        }
        checkOverlaps(regions);
        for (Region r : regions) {
            scanPages(r);
            TraceData.Dropped first = r.bad.stream().findFirst().orElse(null);
            if (first != null && !salvage) {
                throw new DamagedTraceException(name + ": " + r.where + " " + first.reason());
            }
        }
        return withDropped(regions);
    }

    /** Where the CPU's data lies: inside the file, after the headers, in whole pages. */
    private void checkPlacement(Region r, long dataStart) {
        long length = r.cpu.pages().length();
        if (r.offset < 0 || length < 0 || r.end < r.offset) {
            r.drop(r.offset, r.offset, "data at byte " + r.offset + " (" + length + " bytes) is impossible");
            r.intactEnd = r.offset;
            r.impossible = true;
        } else if (r.offset % pageSize != 0 || r.offset < dataStart) {
            r.drop(r.offset, r.end, "data offset " + r.offset + (r.offset < dataStart
                    ? " lies inside the headers (they end at byte " + dataStart + ")"
                    : " is not a multiple of the page size " + pageSize));
            r.intactEnd = r.offset;
        } else {
            if (length % pageSize != 0) {
                long whole = r.offset + length / pageSize * pageSize;
                r.drop(whole, r.end, "data size " + length + " is not a whole number of " + pageSize + "-byte pages");
                r.intactEnd = whole;
            }
            if (r.intactEnd > fileSize) {
                long kept = Math.max(r.offset, r.offset + (fileSize - r.offset) / pageSize * pageSize);
                r.bad.addFirst(new TraceData.Dropped(kept, r.end, (fileSize <= r.offset
                        ? "data starts at byte " + r.offset + ", past the end of the file (" + fileSize + " bytes)"
                        : "data ends at byte " + fileSize + ", file declares " + r.end)));
                r.intactEnd = kept;
            }
        }
    }

    /** No two CPUs' pages may share bytes: the later one's start cuts the earlier one short. */
    private void checkOverlaps(List<Region> regions) {
        List<Region> sorted = regions.stream().filter(r -> r.intactEnd > r.offset)
                .sorted(Comparator.comparingLong(r -> r.offset)).toList();
        for (int i = 1; i < sorted.size(); i++) {
            Region prev = sorted.get(i - 1);
            Region cur = sorted.get(i);
            if (prev.intactEnd > cur.offset) {
                prev.drop(cur.offset, prev.intactEnd, "data overlaps " + cur.where + "'s at byte " + cur.offset);
                prev.intactEnd = cur.offset;
            }
        }
    }

    /** Decodes every page in {@code [offset, intactEnd)} without keeping events; then checks time across pages. */
    private void scanPages(Region r) throws IOException {
        List<long[]> good = new ArrayList<>(); // {offset, first ts, last ts} of pages holding events
        for (long at = r.offset; at < r.intactEnd; at += pageSize) {
            if (inDropped(r, at)) {
                continue;
            }
            page.clear();
            while (page.hasRemaining()) {
                if (ch.read(page, at + page.position()) < 0) {
                    throw new DamagedTraceException(name + ": file shrank while being read, at byte " + at);
                }
            }
            try {
                PageDecoder.PageInfo info = PageDecoder.decode(page.flip(), 0, data.headerPage(), this::checkEvent);
                checkZeroTail(info);
                if (info.events() > 0) {
                    good.add(new long[] {at, info.timestamp(), info.lastTimestamp()});
                }
            } catch (PageDecoder.DamagedPageException e) {
                r.drop(at, at + pageSize, "page at byte " + at + ": " + e.getMessage());
            }
        }
        checkTime(r, good);
    }

    /**
     * The kernel zeroes a page past its committed data (and the lost-events count stored there) before handing it
     * to user space, so anything else there is damage, or pages of another size than the file declares.
     */
    private void checkZeroTail(PageDecoder.PageInfo info) {
        HeaderPage h = data.headerPage();
        int from = h.dataOffset() + info.dataLength() + (info.missedEvents() && info.lost() != -1 ? h.commitSize() : 0);
        for (int i = from; i < pageSize; i++) {
            if (page.get(i) != 0) {
                throw new PageDecoder.DamagedPageException("byte " + i + " past the committed data ("
                        + info.dataLength() + " bytes) is not zero");
            }
        }
    }

    private static boolean inDropped(Region r, long at) {
        for (TraceData.Dropped d : r.bad) {
            if (at >= d.from() && at < d.to()) {
                return true;
            }
        }
        return false;
    }

    private void checkEvent(long ts, ByteBuffer buf, int offset, int length) {
        if (length < 8) {
            throw new PageDecoder.DamagedPageException("event of " + length + " bytes at page offset " + offset
                    + " is shorter than the common fields");
        }
        int type = EventDecoder.type(buf, offset);
        Integer min = minLength.get(type);
        // a type without a format is not damage by itself: events another tool enabled in the same buffer
        // (trace-cmd's top level) have none; reports show them as unknown, as trace-cmd does
        if (min != null && length < min) {
            throw new PageDecoder.DamagedPageException("event type " + type + " at page offset " + offset + " has "
                    + length + " bytes, its format needs " + min);
        }
    }

    /**
     * A CPU's clock never goes back. When a page starts before the previous one ended, one of the two is
     * damaged: the later one if the page after it fits the earlier one, else the earlier one (it ran ahead).
     */
    private void checkTime(Region r, List<long[]> good) {
        int prev = -1;
        int beforePrev = -1;
        for (int i = 0; i < good.size(); i++) {
            if (prev < 0 || Long.compareUnsigned(good.get(i)[1], good.get(prev)[2]) >= 0) {
                beforePrev = prev;
                prev = i;
                continue;
            }
            boolean nextFitsPrev = i + 1 < good.size()
                    && Long.compareUnsigned(good.get(i + 1)[1], good.get(prev)[2]) >= 0;
            if (nextFitsPrev) {
                dropForTime(r, good.get(i), good.get(prev), "goes back");
                continue;
            }
            dropForTime(r, good.get(prev), good.get(i), "runs ahead of");
            prev = beforePrev;
            beforePrev = -1;
            if (prev < 0 || Long.compareUnsigned(good.get(i)[1], good.get(prev)[2]) >= 0) {
                beforePrev = prev;
                prev = i;
            } else {
                dropForTime(r, good.get(i), good.get(prev), "goes back");
            }
        }
    }

    private void dropForTime(Region r, long[] bad, long[] other, String how) {
        double secs = Math.abs((double) (other[2] - bad[1])) / 1e9;
        r.drop(bad[0], bad[0] + pageSize, String.format("page at byte %d: time %s the page at byte %d by %.6f s",
                bad[0], how, other[0], secs));
    }

    private TraceData withDropped(List<Region> regions) {
        List<TraceData.Buffer> buffers = new ArrayList<>();
        for (int b = 0; b < data.buffers().size(); b++) {
            TraceData.Buffer buf = data.buffers().get(b);
            List<TraceData.CpuData> cpus = new ArrayList<>();
            for (TraceData.CpuData c : buf.cpus()) {
                Region r = null;
                for (Region x : regions) {
                    if (x.buffer == b && x.cpu == c) {
                        r = x;
                    }
                }
                if (r == null || r.bad.isEmpty()) {
                    cpus.add(c);
                } else {
                    // no page of an impossible region is read: it keeps its reason, and no bytes
                    TraceData.PageSource p = r.impossible
                            ? new TraceData.PageSource(c.pages().file(), 0, 0) : c.pages();
                    cpus.add(new TraceData.CpuData(c.cpu(), p, c.stats(), merged(r)));
                }
            }
            buffers.add(new TraceData.Buffer(buf.name(), buf.clock(), cpus));
        }
        return new TraceData(data.pageSize(), data.order(), data.headerPage(), data.headerEvent(),
                data.ftraceFormats(), data.eventFormats(), data.kallsyms(), data.printkFormats(), data.cmdlines(),
                data.cpuCount(), data.options(), buffers);
    }

    /** The region's damaged ranges sorted and joined where they touch, each with its first reason. */
    private static List<TraceData.Dropped> merged(Region r) {
        List<TraceData.Dropped> sorted = new ArrayList<>(r.bad);
        sorted.sort(Comparator.comparingLong(TraceData.Dropped::from));
        List<TraceData.Dropped> out = new ArrayList<>();
        for (TraceData.Dropped d : sorted) {
            TraceData.Dropped last = out.isEmpty() ? null : out.getLast();
            if (last != null && d.from() <= last.to()) {
                out.set(out.size() - 1, new TraceData.Dropped(last.from(), Math.max(last.to(), d.to()),
                        last.reason()));
            } else {
                out.add(d);
            }
        }
        return out;
    }
}
