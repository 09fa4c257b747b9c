package io.nstrace.format.profile;

import org.HdrHistogram.PackedHistogram;

/**
 * Durations in nanoseconds: an exact count, total, min and max, and percentiles from an HdrHistogram with three
 * significant digits (each percentile within 0.1% of the exact value). The packed histogram's memory follows the
 * buckets in use, not the number of durations, so a profile stays flat however long the trace is; histograms
 * merge exactly ({@link #add}).
 */
public final class Latency {
    private final PackedHistogram histogram = new PackedHistogram(3);
    private long count;
    private long total;
    private long min = Long.MAX_VALUE;
    private long max;

    /** Records one duration; a negative one (clock disorder across CPUs) counts as 0. */
    public void record(long ns) {
        long v = Math.max(0, ns);
        histogram.recordValue(v);
        count++;
        total += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    /** Adds every duration of {@code other} to this one. */
    public void add(Latency other) {
        if (other.count == 0) {
            return;
        }
        histogram.add(other.histogram);
        count += other.count;
        total += other.total;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    public long count() {
        return count;
    }

    public long total() {
        return total;
    }

    public long min() {
        return count == 0 ? 0 : min;
    }

    public long max() {
        return max;
    }

    /** The duration {@code percentile} (0-100) of the durations are at or below; 0 when there are none. */
    public long percentile(double percentile) {
        return count == 0 ? 0 : Math.min(max, histogram.getValueAtPercentile(percentile));
    }

    /** Counts of durations per power-of-two bucket of microseconds: {@code [<1us, 1-2us, 2-4us, ...]}, trimmed. */
    public long[] log2Buckets() {
        long[] b = new long[64];
        int top = 0;
        for (var v : histogram.recordedValues()) {
            long us = v.getValueIteratedTo() / 1000;
            int i = us == 0 ? 0 : 64 - Long.numberOfLeadingZeros(us);
            b[i] += v.getCountAtValueIteratedTo();
            top = Math.max(top, i);
        }
        return java.util.Arrays.copyOf(b, top + 1);
    }

    /** The figures of a rendering: count, total, p50, p90, p99, max. */
    public Figures figures() {
        return new Figures(count, total, percentile(50), percentile(90), percentile(99), max);
    }

    /** A latency's figures in nanoseconds. */
    public record Figures(long count, long total, long p50, long p90, long p99, long max) {
    }
}
