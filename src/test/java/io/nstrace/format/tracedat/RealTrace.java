package io.nstrace.format.tracedat;

import io.nstrace.format.EventReader;
import io.nstrace.format.TraceData;
import io.nstrace.format.ringbuffer.PageDecoder;
import io.nstrace.format.ringbuffer.TraceEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code src/test/resources/traces/two-containers.dat}: a real recording made on the development VM (kernel 6.18,
 * 2 CPUs) with {@code nstrace record faults-dat-web faults-dat-db -d 2s} of two busybox containers running
 * {@code cat}, {@code echo}, {@code ls} and {@code sleep} in loops (default events), then slimmed with
 * {@link SlimTrace} (kallsyms and printk formats cut to their first lines; pages untouched). 2 buffers, 2 CPUs,
 * 2,671 events; {@code trace-cmd report} prints the same events for it as for the original.
 */
final class RealTrace {
    static final Path FILE = Path.of("src/test/resources/traces/two-containers.dat");
    static final long EVENTS = 2671;

    /** One page of the intact file: where it is, whose it is, and how many events (lost markers excluded) it holds. */
    record Page(String buffer, int cpu, long offset, int events) {
    }

    private RealTrace() {
    }

    static byte[] bytes() {
        try {
            return Files.readAllBytes(FILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every page of the intact file, in file order. */
    static List<Page> pages() throws IOException {
        TraceData d = TraceDatReader.read(FILE);
        byte[] all = bytes();
        List<Page> pages = new ArrayList<>();
        for (TraceData.Buffer b : d.buffers()) {
            for (TraceData.CpuData c : b.cpus()) {
                for (long at = c.pages().offset(); at < c.pages().offset() + c.pages().length(); at += d.pageSize()) {
                    ByteBuffer page = ByteBuffer.wrap(all, (int) at, d.pageSize()).slice().order(d.order());
                    pages.add(new Page(b.name(), c.cpu(), at, PageDecoder.decode(page, 0, d.headerPage(), null)
                            .events()));
                }
            }
        }
        pages.sort(java.util.Comparator.comparingLong(Page::offset));
        return pages;
    }

    /**
     * The events (lost markers excluded) and the damaged pages marked lost (a marker without a page count, for a
     * CPU whose table is lost, counts 1), reading {@code data} to the end. The file has no kernel losses.
     */
    static long[] count(TraceData data) throws IOException {
        long events = 0;
        long dropped = 0;
        try (EventReader r = new EventReader(data)) {
            while (r.hasNext()) {
                TraceEvent e = r.next();
                if (e.isLostMarker()) {
                    dropped += Math.max(1, e.droppedPages()); // 1 for a CPU whose data is all lost
                } else {
                    events++;
                }
            }
        }
        return new long[] {events, dropped};
    }
}
