package io.nstrace.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Whole-number option values checked as they are parsed, so a bad one is a usage error naming the option
 * (picocli: {@code invalid value for option '--buffer-kb' (KB): ...}) and never reaches the kernel or the session
 * layer: {@link Positive} for sizes and counts, {@link NonNegative} where 0 means "none" or "no limit".
 */
public final class Counts {
    private Counts() {
    }

    /** 1 or more (sizes, counts, PIDs). */
    public static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return parse(value, 1, "a whole number of at least 1");
        }
    }

    /** 0 or more (a depth limit where 0 means none, untimed warm-up rounds). */
    public static final class NonNegative implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return parse(value, 0, "a whole number of at least 0");
        }
    }

    /** A power of two (sub-buffer sizes in KB: 4, 8, 16, ...). */
    public static final class PowerOfTwo implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = parse(value, 1, "a power of two (4, 8, 16, ...)");
            if (Integer.bitCount(n) != 1) {
                throw new TypeConversionException("'" + value + "' is not a power of two (4, 8, 16, ...)");
            }
            return n;
        }
    }

    static int parse(String value, int min, String what) {
        String v = value.strip().replace("_", "").replace(",", "");
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not " + what);
        }
        if (n < min || n > Integer.MAX_VALUE) {
            throw new TypeConversionException("'" + value + "' is out of range: give " + what
                    + (n > Integer.MAX_VALUE ? " up to " + Integer.MAX_VALUE : ""));
        }
        return (int) n;
    }
}
