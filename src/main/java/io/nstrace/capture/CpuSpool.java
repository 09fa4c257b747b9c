package io.nstrace.capture;

import java.nio.file.Path;

/**
 * What one CPU's reader spooled: pages and bytes written, events counted in the page headers, events the pages
 * say were lost (stored counts; {@code lostPagesUncounted} pages were flagged without a count), and the kernel's
 * {@code per_cpu/cpuN/stats} overrun and dropped counters read at stop.
 */
public record CpuSpool(int cpu, Path file, long pages, long bytes, long events, long lostInPages,
                       long lostPagesUncounted, long overrun, long dropped, String stats) {
    /** Events lost on this CPU: the larger of the page-reported and the overrun count, plus dropped events. */
    public long lost() {
        return Math.max(lostInPages, overrun) + dropped;
    }
}
