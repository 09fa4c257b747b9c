package io.nstrace.cli;

import io.nstrace.error.NstraceException;
import io.nstrace.format.output.OutputFormat;
import io.nstrace.format.TraceData;
import io.nstrace.format.output.TraceOutput;
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
            description = "Write the trace here (default: stdout; checked before tracing starts). The format follows the name (.dat, .json, .txt) unless --format is given.")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "dat (trace-cmd's trace.dat), text, json (JSON Lines), summary or profile (latencies per container and task; JSON for a .json file, Markdown for .md). Default: from -o's name, dat for other names, text on stdout.")
    OutputFormat format;

    private OutputFormat used;

    public Path file() {
        return file;
    }

    /** The format to write: --format, else from the file name (dat when unknown), else {@code stdoutDefault}. */
    public OutputFormat format(OutputFormat stdoutDefault) {
        if (format != null) {
            return format;
        }
        return file == null ? stdoutDefault : OutputFormat.forFileName(file.getFileName().toString(), OutputFormat.dat);
    }

    /**
     * Writes {@code data} to the file (created or replaced) or to {@code out}; a trace.dat is never written to a
     * terminal's stdout. Returns the events written (-1 for dat).
     */
    public long write(TraceData data, PrintWriter out, OutputFormat stdoutDefault) {
        used = format(stdoutDefault);
        return write(data, file, used, out);
    }

    /** Fails with {@code exitCode} naming -o's file and why, unless it can be written (before tracing starts). */
    public void check(int exitCode) {
        if (file != null) {
            OutputFiles.require(file, exitCode);
        }
    }

    /**
     * Writes {@code data} as {@code format} to {@code file} (written in place as trace-cmd does: through a
     * symlink, an existing file keeping its mode; see {@link OutputFiles}) or, when it is null, to {@code out};
     * a trace.dat is never written to a terminal's stdout. Returns the events written (-1 for dat).
     */
    static long write(TraceData data, Path file, OutputFormat format, PrintWriter out) {
        if (file != null) {
            try (OutputStream os = OutputFiles.open(file)) {
                return render(data, format, os, file);
            } catch (IOException e) {
                throw NstraceException.user("cannot write " + file + ": " + OutputFiles.reason(e)
                        + (Files.exists(file) ? " (the file is incomplete)" : ""));
            }
        }
        try {
            out.flush();
            if (format == OutputFormat.dat && Libc.isatty(1)) {
                throw NstraceException.user("not writing a binary trace.dat to a terminal; give -o FILE or --format text");
            }
            try (OutputStream os = format == OutputFormat.dat ? rawStdout()
                    : textStream(out)) {
                long n = render(data, format, os, null);
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
    static long render(TraceData data, OutputFormat format, OutputStream os, Path file) throws IOException {
        if (format == OutputFormat.profile) {
            return ProfileOutput.write(data, file == null ? ProfileWriter.Rendering.text
                    : ProfileWriter.Rendering.forFileName(file.getFileName().toString()), os, null, null);
        }
        return TraceOutput.write(data, format, os, null);
    }

    private static OutputStream rawStdout() {
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
