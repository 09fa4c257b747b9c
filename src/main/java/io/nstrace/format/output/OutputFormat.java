package io.nstrace.format.output;

/**
 * What a trace is written as: trace-cmd's trace.dat, report-like text, JSON Lines, a per-container summary, or a
 * Perfetto trace, or a per-container latency profile (written by {@code format.profile.ProfileOutput}, a layer above
 * this package).
 */
public enum OutputFormat {
    dat, text, json, summary, perfetto, profile;

    /** The format a file name suggests ({@code .dat} → dat, {@code .json}/{@code .jsonl} → json, {@code .txt} → text,
     * {@code .pftrace} → perfetto). */
    public static OutputFormat forFileName(String name, OutputFormat fallback) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".dat")) {
            return dat;
        }
        if (n.endsWith(".json") || n.endsWith(".jsonl")) {
            return json;
        }
        if (n.endsWith(".txt")) {
            return text;
        }
        if (n.endsWith(".pftrace")) {
            return perfetto;
        }
        return fallback;
    }

    /** Whether the format is binary (never written to a terminal, nor through a text writer). */
    public boolean binary() {
        return this == dat || this == perfetto;
    }
}
