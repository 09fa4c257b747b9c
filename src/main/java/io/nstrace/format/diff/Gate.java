package io.nstrace.format.diff;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code --fail-on} rule: {@code [CONTAINER:]METRIC OP VALUE}.
 * <ul>
 * <li>METRIC: a name of {@link Metrics} ({@code syscalls.fsync.count}, {@code sched.latency.p99}, {@code execs},
 * ...); {@code *} matches within one dot-separated part ({@code syscalls.*.count});</li>
 * <li>OP: {@code >}, {@code >=}, {@code <}, {@code <=};</li>
 * <li>VALUE: {@code +20%}/{@code -20%} compares the relative change from BASE to NEW (from 0 to more is an
 * infinite rise), {@code +10}/{@code -10} the absolute change, a plain {@code 2ms} or {@code 100} NEW's value;
 * durations take ns, us, ms or s (bare numbers are ns).</li>
 * </ul>
 * Without CONTAINER the rule applies to every container but {@code host}.
 */
public record Gate(String text, String container, String metric, Pattern metricPattern, String op, Mode mode,
                   double threshold) {
    /** What VALUE compares. */
    public enum Mode { relative, delta, value }

    private static final Pattern RULE = Pattern.compile("^(.+?)\\s*(>=|<=|>|<)\\s*(\\S+)$");
    private static final Pattern VALUE = Pattern.compile("^([+-]?)(\\d+(?:\\.\\d+)?)(%|ns|us|ms|s)?$");
    private static final Pattern METRIC = Pattern.compile("^(events(\\.[^.]+)?|execs|lost|cpu"
            + "|syscalls\\.[^.]+\\.(count|total|p50|p90|p99|max)"
            + "|sched\\.latency\\.(count|total|p50|p90|p99|max)|sched\\.(switches|preempted|migrations)"
            + "|offcpu\\.[A-Za-z*+]+)$");
    private static final Pattern ROOT = Pattern.compile("^(events|execs|lost|cpu|syscalls|sched|offcpu)(\\..*)?$");

    /** Parses {@code text}; a bad rule throws {@link IllegalArgumentException} with a message naming it. */
    public static Gate parse(String text) {
        Matcher m = RULE.matcher(text.strip());
        if (!m.matches()) {
            throw bad(text, "expected METRIC OP VALUE, e.g. syscalls.fsync.count>+20%");
        }
        String left = m.group(1).strip();
        String container = null;
        if (!ROOT.matcher(left).matches() && left.indexOf(':') > 0) {
            container = left.substring(0, left.indexOf(':'));
            left = left.substring(left.indexOf(':') + 1);
        }
        if (!METRIC.matcher(left).matches()) {
            throw bad(text, "unknown metric '" + left + "' (events[.TYPE], execs, lost, cpu, syscalls.NAME."
                    + "count|total|p50|p90|p99|max, sched.latency.count|total|p50|p90|p99|max, "
                    + "sched.switches|preempted|migrations, offcpu.STATE|total)");
        }
        Matcher v = VALUE.matcher(m.group(3));
        if (!v.matches()) {
            throw bad(text, "bad value '" + m.group(3) + "' (+20%, -5%, +10, 2ms, 100)");
        }
        String sign = v.group(1);
        String unit = v.group(3) == null ? "" : v.group(3);
        double n = Double.parseDouble(v.group(2)) * (sign.equals("-") ? -1 : 1);
        Mode mode;
        if (unit.equals("%")) {
            if (sign.isEmpty()) {
                throw bad(text, "a percentage is a change: give it a sign (+" + v.group(2) + "%)");
            }
            mode = Mode.relative;
        } else {
            mode = sign.isEmpty() ? Mode.value : Mode.delta;
            if (!unit.isEmpty()) {
                if (!Metrics.isDuration(left)) {
                    throw bad(text, "'" + left + "' is a count; a unit (" + unit + ") fits durations only");
                }
                n *= switch (unit) {
                    case "us" -> 1e3;
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    default -> 1;
                };
            }
        }
        return new Gate(text, container, left, glob(left), m.group(2), mode, n);
    }

    private static IllegalArgumentException bad(String rule, String why) {
        return new IllegalArgumentException("bad --fail-on rule '" + rule + "': " + why);
    }

    private static Pattern glob(String metric) {
        StringBuilder re = new StringBuilder();
        for (char c : metric.toCharArray()) {
            re.append(c == '*' ? "[^.]*" : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString());
    }

    /** Whether the metric names only profiles carry (latencies, times, scheduling). */
    public boolean needsProfile() {
        return metric.startsWith("sched.") || metric.startsWith("offcpu.") || metric.equals("cpu")
                || (metric.startsWith("syscalls.") && !metric.endsWith(".count"));
    }

    /** What the rule compares for a change from {@code base} to {@code now}. */
    public double measure(double base, double now) {
        return switch (mode) {
            case relative -> relative(base, now);
            case delta -> now - base;
            case value -> now;
        };
    }

    /** Whether the rule fires for a change from {@code base} to {@code now}. */
    public boolean fires(double base, double now) {
        double x = measure(base, now);
        return switch (op) {
            case ">" -> x > threshold;
            case ">=" -> x >= threshold;
            case "<" -> x < threshold;
            default -> x <= threshold;
        };
    }

    /** The change in percent: infinite from 0 to more, 0 from 0 to 0. */
    public static double relative(double base, double now) {
        if (base == 0) {
            return now == 0 ? 0 : now > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        return (now - base) / Math.abs(base) * 100;
    }
}
