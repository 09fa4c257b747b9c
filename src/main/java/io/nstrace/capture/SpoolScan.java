package io.nstrace.capture;

import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.format.ringbuffer.PageDecoder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Counts the events and the page-header losses of a spool file by walking its pages: what the recorder does at
 * stop when the kernel's counters cannot say it ({@link CpuCounters} unknown: no stats file, a reset buffer).
 *
 * @param events         data events in the pages
 * @param lostInPages    the losses the pages stored ({@code MISSING_STORED})
 * @param uncountedPages pages flagged {@code MISSING_EVENTS} without a count
 * @param pages          pages walked
 */
record SpoolScan(long events, long lostInPages, long uncountedPages, long pages) {
    static final SpoolScan NONE = new SpoolScan(0, 0, 0, 0);

    private static final int CHUNK_PAGES = 256;

    static SpoolScan of(Path file, long bytes, int pageSize, HeaderPage header) throws IOException {
        return of(file, 0, bytes, pageSize, header);
    }

    /** The pages from byte {@code from} (a page boundary) to {@code to} of {@code file}. */
    static SpoolScan of(Path file, long from, long to, int pageSize, HeaderPage header) throws IOException {
        long bytes = to;
        long events = 0;
        long stored = 0;
        long uncounted = 0;
        long pages = 0;
        ByteBuffer buf = ByteBuffer.allocate(pageSize * CHUNK_PAGES).order(ByteOrder.nativeOrder());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long at = from; at < bytes; ) {
                buf.clear().limit((int) Math.min(buf.capacity(), bytes - at));
                int got = 0;
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, at + got);
                    if (n < 0) {
                        break;
                    }
                    got += n;
                }
                for (int base = 0; base + pageSize <= got; base += pageSize) {
                    ByteBuffer page = buf.duplicate().order(ByteOrder.nativeOrder()).limit(base + pageSize);
                    events += PageDecoder.countEvents(page, base, header);
                    long lost = PageDecoder.lostBefore(page, base, header);
                    pages++;
                    if (lost > 0) {
                        stored += lost;
                    } else if (lost < 0) {
                        uncounted++;
                    }
                }
                if (got < pageSize) {
                    break;
                }
                at += got - got % pageSize;
            }
        }
        return new SpoolScan(events, stored, uncounted, pages);
    }

    /** The sum of two scans (of consecutive parts of one file). */
    SpoolScan plus(SpoolScan o) {
        return new SpoolScan(events + o.events, lostInPages + o.lostInPages, uncountedPages + o.uncountedPages,
                pages + o.pages);
    }
}
