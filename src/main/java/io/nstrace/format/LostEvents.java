package io.nstrace.format;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one model of lost events; every output (the stderr lines of record and run, the shell's status, the
 * Markdown and JSON summaries, {@code report --format summary}) renders a value of this class, so they agree.
 *
 * <p>Per CPU of a buffer ({@link Cpu}) events are lost in three ways: the kernel overwrote them before nstrace
 * read them ({@code overrun} in {@code per_cpu/cpuN/stats}, cumulative for the instance) or refused them
 * ({@code dropped events}, when the buffer does not overwrite), or nstrace read them and could not keep them
 * ({@code discarded}: the spool failed). Pages the kernel hands out after an overwrite carry the
 * {@code MISSING_EVENTS} flag and, when there is room, the number lost ({@code MISSING_STORED}); those stored
 * numbers are differences of the overrun counter, so the overrun read at stop covers them and every flagged page
 * without a number. A CPU's loss is therefore {@code max(stored counts, overrun) + dropped + discarded}. Without
 * the stats text (a live segment, a file without CPUSTAT options) the flagged pages without a number are an
 * unknown loss and are counted apart as {@code uncountedPages}, as are the damaged pages a {@code --salvage} read
 * left out (no counter covers those).
 *
 * <p>In a trace.dat the stats text is the CPUSTAT option of each CPU (trace-cmd's layout: the top buffer's CPUs,
 * then {@code Buffer: NAME} and that buffer's CPUs), with nstrace's own discarded count as an extra
 * {@code nstrace discarded: N} line.
 *
 * @param count          events known lost
 * @param uncountedPages pages flagged with a loss of unknown size that no kernel counter covers
 */
public record LostEvents(long count, long uncountedPages) {
    public static final LostEvents NONE = new LostEvents(0, 0);
    /** The line nstrace adds to a CPU's stats text for events it read but could not keep. */
    public static final String DISCARDED = "nstrace discarded";
    private static final Pattern STAT = Pattern.compile("(?m)^(overrun|dropped events|" + DISCARDED
            + "):\\s*(\\d+)");

    /**
     * One CPU's losses.
     *
     * @param overrun        the kernel's overrun counter at stop (0 when unknown)
     * @param dropped        the kernel's dropped-events counter at stop
     * @param discarded      events nstrace read but could not keep (spool full or failing)
     * @param inPages        the counts the pages stored ({@code MISSING_STORED})
     * @param uncountedPages pages flagged {@code MISSING_EVENTS} without a count
     * @param damagedPages   pages a salvaging read left out as damaged: no kernel counter covers them
     * @param statsKnown     whether the kernel's counters were read (then they cover every flagged page)
     */
    public record Cpu(long overrun, long dropped, long discarded, long inPages, long uncountedPages,
                      long damagedPages, boolean statsKnown) {
        /** A CPU's losses from its stats text (empty when unknown) and what its pages said. */
        public static Cpu of(String stats, long inPages, long uncountedPages) {
            return of(stats, inPages, uncountedPages, 0);
        }

        /** {@link #of(String, long, long)}, plus the pages a salvaging read left out. */
        public static Cpu of(String stats, long inPages, long uncountedPages, long damagedPages) {
            boolean known = stats != null && stats.contains("overrun:");
            String s = stats == null ? "" : stats;
            return new Cpu(stat(s, "overrun"), stat(s, "dropped events"), stat(s, DISCARDED), inPages,
                    uncountedPages, damagedPages, known);
        }

        /** Events lost on this CPU. */
        public long total() {
            return Math.max(inPages, overrun) + dropped + discarded;
        }

        public LostEvents asLost() {
            return new LostEvents(total(), (statsKnown ? 0 : uncountedPages) + damagedPages);
        }
    }

    /** The sum of two tallies (of different CPUs or buffers). */
    public LostEvents plus(LostEvents o) {
        return new LostEvents(count + o.count, uncountedPages + o.uncountedPages);
    }

    /** Whether anything was lost, counted or not. */
    public boolean any() {
        return count > 0 || uncountedPages > 0;
    }

    /** {@code 161 lost}, or {@code 161 lost (+2 pages with an uncounted loss)}. */
    public String text() {
        return String.format("%,d lost", count) + (uncountedPages > 0 ? " (+" + uncountedPages
                + (uncountedPages == 1 ? " page" : " pages") + " with an uncounted loss)" : "");
    }

    /** {@code stats} with nstrace's discarded count appended when there is one. */
    public static String withDiscarded(String stats, long discarded) {
        if (discarded <= 0) {
            return stats;
        }
        return (stats.isEmpty() || stats.endsWith("\n") ? stats : stats + "\n") + DISCARDED + ": " + discarded + "\n";
    }

    /** The value of {@code name: N} in a stats text, 0 when absent. */
    public static long stat(String stats, String name) {
        Matcher m = STAT.matcher(stats);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Long.parseLong(m.group(2));
            }
        }
        return 0;
    }
}
