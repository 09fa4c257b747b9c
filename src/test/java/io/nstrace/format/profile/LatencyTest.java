package io.nstrace.format.profile;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Percentiles against the exact ones of the same durations, and merging. */
class LatencyTest {
    @Test
    void percentilesAreWithinATenthOfAPercentOfTheExactOnes() {
        SplittableRandom r = new SplittableRandom(17);
        long[] values = new long[200_000];
        Latency l = new Latency();
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(r.nextDouble(3, 22)); // 20 ns .. 3.6 ms, log-spread
            l.record(values[i]);
        }
        Arrays.sort(values);
        for (double pct : new double[] {50, 90, 99, 99.9}) {
            long exact = values[(int) Math.ceil(pct / 100 * values.length) - 1];
            long got = l.percentile(pct);
            assertTrue(Math.abs(got - exact) <= exact / 1000 + 1, pct + ": " + got + " against " + exact);
        }
        assertEquals(values[values.length - 1], l.max());
        assertEquals(Arrays.stream(values).sum(), l.total());
    }

    @Test
    void mergingIsExact() {
        Latency a = new Latency();
        Latency b = new Latency();
        Latency both = new Latency();
        for (long v = 1; v < 5000; v += 7) {
            (v % 2 == 0 ? a : b).record(v * 1000);
            both.record(v * 1000);
        }
        a.add(b);
        assertEquals(both.figures(), a.figures());
    }

    @Test
    void emptyIsZero() {
        assertEquals(new Latency.Figures(0, 0, 0, 0, 0, 0), new Latency().figures());
    }
}
