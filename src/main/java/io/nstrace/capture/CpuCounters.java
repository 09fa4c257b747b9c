package io.nstrace.capture;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's counters of one CPU's ring buffer, from its {@code per_cpu/cpuN/stats} text: events handed to
 * readers ({@code read events}: whole pages that splice(2) swapped out count their entries, partial pages read(2)
 * copied count theirs), events overwritten before a reader got them ({@code overrun}) and events refused while the
 * buffer was full ({@code dropped events}). The recorder takes them at its start and at its stop, so it never has
 * to look inside the pages it moves: the difference of {@code read events} is exactly the events it moved.
 *
 * @param known whether the text had the counters at all (an unreadable file, a fixture without stats: false)
 */
record CpuCounters(long read, long overrun, long dropped, boolean known) {
    static final CpuCounters UNKNOWN = new CpuCounters(0, 0, 0, false);
    private static final Pattern LINE = Pattern.compile("(?m)^(read events|overrun|dropped events):\\s*(\\d+)\\s*$");

    static CpuCounters parse(String stats) {
        long read = -1;
        long overrun = -1;
        long dropped = 0;
        Matcher m = LINE.matcher(stats == null ? "" : stats);
        while (m.find()) {
            long v = Long.parseLong(m.group(2));
            switch (m.group(1)) {
                case "read events" -> read = v;
                case "overrun" -> overrun = v;
                default -> dropped = v;
            }
        }
        return read < 0 || overrun < 0 ? UNKNOWN : new CpuCounters(read, overrun, dropped, true);
    }

    /**
     * Events read since {@code start} ({@code -1} when either is unknown or the counter went back: the buffer was
     * reset meanwhile, so the difference says nothing).
     */
    long readSince(CpuCounters start) {
        return known && start.known && read >= start.read ? read - start.read : -1;
    }

    /** Events overwritten or refused since {@code start}, 0 when unknown. */
    long lostSince(CpuCounters start) {
        return known && start.known ? Math.max(0, overrun - start.overrun) + Math.max(0, dropped - start.dropped) : 0;
    }
}
