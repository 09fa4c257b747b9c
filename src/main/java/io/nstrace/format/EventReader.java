package io.nstrace.format;

import io.nstrace.format.ringbuffer.EventDecoder;
import io.nstrace.format.ringbuffer.PageDecoder;

import io.nstrace.format.ringbuffer.EventFormat;
import io.nstrace.format.ringbuffer.TraceEvent;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Iterates the events of a {@link TraceData} in timestamp order across CPUs and buffers, reading one page per CPU
 * at a time, so memory stays flat for any file size. Ties go to the earlier buffer, then the lower CPU, as in
 * trace-cmd report.
 */
public final class EventReader implements Iterator<TraceEvent>, Closeable {
    private final TraceData data;
    private final Map<Integer, EventFormat> formats;
    private final long offsetNs;
    private final PriorityQueue<Cursor> queue = new PriorityQueue<>();
    private final List<Cursor> all = new ArrayList<>();

    public EventReader(TraceData data) throws IOException {
        this.data = data;
        this.formats = data.formatsById();
        Long date = data.options().dateOffsetUs();
        this.offsetNs = date == null ? 0 : date * 1000;
        int bi = 0;
        for (TraceData.Buffer b : data.buffers()) {
            for (TraceData.CpuData cd : b.cpus()) {
                if (cd.pages().length() > 0 || !cd.dropped().isEmpty()) {
                    Cursor c = new Cursor(b.name(), bi, cd);
                    all.add(c);
                    if (c.advance()) {
                        queue.add(c);
                    }
                }
            }
            bi++;
        }
    }

    public Map<Integer, EventFormat> formats() {
        return Collections.unmodifiableMap(formats);
    }

    @Override
    public boolean hasNext() {
        return !queue.isEmpty();
    }

    @Override
    public TraceEvent next() {
        Cursor c = queue.poll();
        if (c == null) {
            throw new NoSuchElementException();
        }
        TraceEvent e = c.current();
        try {
            if (c.advance()) {
                queue.add(c);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return e;
    }

    @Override
    public void close() throws IOException {
        for (Cursor c : all) {
            c.channel.close();
        }
    }

    private final class Cursor implements Comparable<Cursor> {
        final String buffer;
        final int bufferIndex;
        final int cpu;
        final TraceData.CpuData cpuData;
        final FileChannel channel;
        final long end;
        long next;
        int dropIndex;
        long droppedPages;
        boolean droppedUnmarked;
        long lastTs;
        final ByteBuffer page;
        final List<long[]> pending = new ArrayList<>(); // {ts, offset, length} or {ts, -1, lost, dropped pages}
        int index;

        Cursor(String buffer, int bufferIndex, TraceData.CpuData cd) throws IOException {
            this.buffer = buffer;
            this.bufferIndex = bufferIndex;
            this.cpu = cd.cpu();
            this.cpuData = cd;
            this.channel = FileChannel.open(cd.pages().file(), StandardOpenOption.READ);
            this.next = cd.pages().offset();
            this.end = cd.pages().offset() + cd.pages().length();
            this.page = ByteBuffer.allocate(data.pageSize()).order(data.order());
            this.droppedUnmarked = !cd.dropped().isEmpty();
        }

        long ts() {
            return pending.get(index)[0];
        }

        /**
         * Moves to the next event, loading pages as needed; false at the end of this CPU's data. Pages a
         * salvaging read found damaged are skipped and become one lost marker (count unknown) per run; any
         * other damage throws {@link DamagedTraceException} (wrapped), never an event that was not recorded.
         */
        boolean advance() throws IOException {
            if (index + 1 < pending.size()) {
                index++;
                return true;
            }
            pending.clear();
            index = 0;
            while (next < end) {
                if (skipDropped()) {
                    continue;
                }
                if (end - next < data.pageSize()) {
                    throw damaged("data ends " + (end - next) + " bytes into a " + data.pageSize() + "-byte page");
                }
                readPage();
                PageDecoder.PageInfo info;
                try {
                    info = PageDecoder.decode(page, 0, data.headerPage(),
                            (ts, buf, off, len) -> pending.add(new long[] {ts, off, len}));
                } catch (PageDecoder.DamagedPageException e) {
                    throw damaged("page at byte " + next + ": " + e.getMessage());
                }
                next += data.pageSize();
                if (pending.isEmpty()) {
                    continue;
                }
                long first = pending.getFirst()[0];
                if (info.missedEvents()) {
                    pending.addFirst(new long[] {first, -1, info.lost(), 0});
                }
                if (droppedPages > 0) {
                    pending.addFirst(new long[] {first, -1, -1, droppedPages});
                    droppedPages = 0;
                    droppedUnmarked = false;
                }
                lastTs = pending.getLast()[0];
                return true;
            }
            if (droppedPages > 0 || droppedUnmarked) { // a damaged tail, or a CPU whose data is all lost
                pending.add(new long[] {lastTs, -1, -1, droppedPages});
                droppedPages = 0;
                droppedUnmarked = false;
                return true;
            }
            return false;
        }

        /** Steps over a damaged run that starts at or before {@code next}; true when it did. */
        private boolean skipDropped() {
            List<TraceData.Dropped> dropped = cpuData.dropped();
            while (dropIndex < dropped.size() && dropped.get(dropIndex).to() <= next) {
                dropIndex++;
            }
            if (dropIndex < dropped.size() && dropped.get(dropIndex).from() <= next) {
                TraceData.Dropped d = dropped.get(dropIndex++);
                droppedPages += new TraceData.Dropped(next, d.to(), "").pages(data.pageSize());
                next = d.to();
                return true;
            }
            return false;
        }

        private void readPage() throws IOException {
            page.clear();
            while (page.hasRemaining()) {
                if (channel.read(page, next + page.position()) < 0) {
                    throw damaged("data ends at byte " + (next + page.position()) + ", file declares " + end);
                }
            }
            page.flip();
        }

        private DamagedTraceException damaged(String what) {
            String where = (buffer.isEmpty() ? "" : "buffer " + buffer + " ") + "cpu " + cpu;
            return new DamagedTraceException(cpuData.pages().file() + ": " + where + " " + what);
        }

        TraceEvent current() {
            long[] e = pending.get(index);
            long ts = e[0] + offsetNs;
            if (e[1] < 0) {
                Map<String, Object> fields = e[3] > 0 ? Map.of(TraceEvent.DROPPED_PAGES, e[3]) : Map.of();
                return new TraceEvent(buffer, cpu, ts, null, -1, -1, fields, e[2]);
            }
            int off = (int) e[1];
            int type = EventDecoder.type(page, off);
            EventFormat f = formats.get(type);
            int pid = (int) e[2] >= 8 ? EventDecoder.pid(page, off) : -1;
            Map<String, Object> fields = f == null ? Map.of() : EventDecoder.decode(f, page, off, (int) e[2]);
            return new TraceEvent(buffer, cpu, ts, f, type, pid, fields, 0);
        }

        @Override
        public int compareTo(Cursor o) {
            int c = Long.compareUnsigned(ts(), o.ts());
            if (c != 0) {
                return c;
            }
            c = Integer.compare(bufferIndex, o.bufferIndex);
            return c != 0 ? c : Integer.compare(cpu, o.cpu);
        }
    }
}
