package io.nstrace.capture;

import io.nstrace.format.LostEvents;

import java.nio.file.Path;

/**
 * What one CPU's reader spooled: pages and bytes written, events counted in the page headers, events the pages
 * say were lost (stored counts; {@code lostPagesUncounted} pages were flagged without a count), events nstrace
 * read but could not keep ({@code discarded}: the spool was full or failing), and the kernel's
 * {@code per_cpu/cpuN/stats} text read at stop (empty while the segment runs).
 */
public record CpuSpool(int cpu, Path file, long pages, long bytes, long events, long lostInPages,
                       long lostPagesUncounted, long discarded, String stats) {
    /** This CPU's losses in the one model every output renders. */
    public LostEvents.Cpu loss() {
        return LostEvents.Cpu.of(fileStats(), lostInPages, lostPagesUncounted);
    }

    /** Events lost on this CPU ({@link LostEvents.Cpu#total()}). */
    public long lost() {
        return loss().total();
    }

    /** The stats text as the trace file keeps it: the kernel's, plus nstrace's own discarded count. */
    public String fileStats() {
        return LostEvents.withDiscarded(stats, discarded);
    }
}
