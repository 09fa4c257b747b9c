package io.nstrace.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/** Parses durations as users type them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 1.5s}; a bare number is seconds. */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        String v = value.strip().toLowerCase(java.util.Locale.ROOT);
        int i = 0;
        while (i < v.length() && (Character.isDigit(v.charAt(i)) || v.charAt(i) == '.')) {
            i++;
        }
        String unit = v.substring(i);
        double n;
        try {
            n = Double.parseDouble(v.substring(0, i));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("not a duration: '" + value + "' (e.g. 500ms, 10s, 2m, 1h)");
        }
        long nanosPer = switch (unit) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "", "s" -> 1_000_000_000L;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new TypeConversionException("not a duration: '" + value + "' (e.g. 500ms, 10s, 2m, 1h)");
        };
        if (n <= 0) {
            throw new TypeConversionException("duration must be positive: '" + value + "'");
        }
        if (n * nanosPer >= Long.MAX_VALUE) {
            throw new TypeConversionException("duration too long: '" + value + "' (at most 106,000 days)");
        }
        return Duration.ofNanos(Math.round(n * nanosPer));
    }
}
