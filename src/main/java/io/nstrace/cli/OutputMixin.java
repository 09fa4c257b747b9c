package io.nstrace.cli;

import io.nstrace.error.NstraceException;
import io.nstrace.format.output.OutputFormat;
import io.nstrace.format.TraceData;
import io.nstrace.format.output.TraceOutput;
import io.nstrace.format.tracedat.TraceDatWriter;
import io.nstrace.format.profile.ProfileOutput;
import io.nstrace.format.profile.ProfileWriter;
import io.nstrace.sys.Libc;
import org.apache.commons.io.output.CloseShieldWriter;
import org.apache.commons.io.output.WriterOutputStream;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where and how a trace is written: {@code -o} and {@code --format}. */
public final class OutputMixin {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the trace here (default: stdout; - is stdout too, for -o - --format dat; checked before tracing starts). The format follows the name (.dat, .json, .txt, .pftrace) unless --format is given.")
    Path file;

    /** {@code -o -} is stdout, as for trace-cmd's readers: nstrace kube's agents stream trace.dat that way. */
    static final String STDOUT = "-";

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "dat (trace-cmd's trace.dat), text, json (JSON Lines), summary, profile (latencies per container and task; JSON for a .json file, Markdown for .md) or perfetto (Perfetto's trace format). Default: from -o's name, dat for other names, text on stdout.")
    OutputFormat format;

    @Option(names = "--dat-version", paramLabel = "N", converter = DatVersionConverter.class,
            description = "trace.dat version: 7 (default; compressed with zstd, as trace-cmd 3 writes it) or 6 (uncompressed, for readers older than trace-cmd 3).")
    Integer datVersion;

    private OutputFormat used;

    /** -o's file, or null for stdout (no -o, or {@code -o -}). */
    public Path file() {
        return file == null || file.toString().equals(STDOUT) ? null : file;
    }

    /** The format to write: --format, else from the file name (dat when unknown), else {@code stdoutDefault}. */
    public OutputFormat format(OutputFormat stdoutDefault) {
        if (format != null) {
            return format;
        }
        return file() == null ? stdoutDefault
                : OutputFormat.forFileName(file.getFileName().toString(), OutputFormat.dat);
    }

    /**
     * Writes {@code data} to the file (created or replaced) or to {@code out}; a trace.dat is never written to a
     * terminal's stdout. Returns the events written (-1 for dat).
     */
    public long write(TraceData data, PrintWriter out, OutputFormat stdoutDefault) {
        used = format(stdoutDefault);
        return write(data, file(), used, out, datVersion());
    }

    /** The trace.dat version to write: --dat-version, else 7. */
    int datVersion() {
        return datVersion == null ? TraceDatWriter.Settings.DEFAULT_VERSION : datVersion;
    }

    /**
     * How to write a trace.dat of {@code data} to {@code file} (null: stdout): {@code version}, its compressed
     * data waiting next to the output (see {@link TraceDatWriter#scratchFor}).
     */
    static TraceDatWriter.Settings datSettings(TraceData data, Path file, int version) {
        return TraceDatWriter.Settings.of(version, TraceDatWriter.scratchFor(data, file,
                Path.of(System.getProperty("java.io.tmpdir"))));
    }

    /** {@code --dat-version}: 6 or 7. */
    public static final class DatVersionConverter implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return switch (value.strip()) {
                case "6" -> 6;
                case "7" -> 7;
                default -> throw new picocli.CommandLine.TypeConversionException("'" + value
                        + "' is not a trace.dat version nstrace writes (6 or 7)");
            };
        }
    }

    /** Fails with {@code exitCode} naming -o's file and why, unless it can be written (before tracing starts). */
    public void check(int exitCode) {
        if (file() != null) {
            OutputFiles.require(file, exitCode);
        }
    }

    /**
     * Writes {@code data} as {@code format} to {@code file} (written in place as trace-cmd does: through a
     * symlink, an existing file keeping its mode; see {@link OutputFiles}) or, when it is null, to {@code out};
     * a trace.dat is never written to a terminal's stdout. Returns the events written (-1 for dat).
     */
    static long write(TraceData data, Path file, OutputFormat format, PrintWriter out, int datVersion) {
        TraceDatWriter.Settings dat = datSettings(data, file, datVersion);
        if (file != null) {
            try (OutputStream os = OutputFiles.open(file)) {
                return render(data, format, os, file, dat);
            } catch (IOException e) {
                throw NstraceException.user("cannot write " + file + ": " + OutputFiles.reason(e)
                        + (Files.exists(file) ? " (the file is incomplete)" : ""));
            }
        }
        try {
            out.flush();
            if (format.binary() && Libc.isatty(1)) {
                throw NstraceException.user("not writing a binary " + (format == OutputFormat.dat ? "trace.dat"
                        : "perfetto trace") + " to a terminal; give -o FILE or --format text");
            }
            try (OutputStream os = format.binary() ? rawStdout()
                    : textStream(out)) {
                long n = render(data, format, os, null, dat);
                out.flush();
                return n;
            }
        } catch (IOException e) {
            throw NstraceException.user("cannot write stdout: " + OutputFiles.reason(e));
        }
    }

    /**
     * {@link TraceOutput}, or for {@code profile} a {@link ProfileOutput} rendered as the file's name says (.json,
     * .md; text otherwise and on stdout).
     */
    static long render(TraceData data, OutputFormat format, OutputStream os, Path file, TraceDatWriter.Settings dat)
            throws IOException {
        if (format == OutputFormat.profile) {
            return ProfileOutput.write(data, file == null ? ProfileWriter.Rendering.text
                    : ProfileWriter.Rendering.forFileName(file.getFileName().toString()), os, null, null);
        }
        return TraceOutput.write(data, format, os, null, dat);
    }

    static OutputStream rawStdout() {
        return new java.io.FilterOutputStream(new java.io.FileOutputStream(java.io.FileDescriptor.out)) {
            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    String describe() {
        return used == null ? "" : used.name();
    }

    /** Bytes to {@code out} as UTF-8 text; closing the stream flushes but leaves {@code out} open. */
    static OutputStream textStream(PrintWriter out) throws IOException {
        return WriterOutputStream.builder().setWriter(CloseShieldWriter.wrap(out)).setCharset(StandardCharsets.UTF_8)
                .get();
    }
}
