package io.nstrace.cli;

import io.nstrace.error.NstraceException;
import io.nstrace.format.output.OutputFormat;
import io.nstrace.format.TraceData;
import io.nstrace.format.tracedat.TraceDatReader;
import io.nstrace.format.output.TraceOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nstrace report FILE}: converts a trace.dat (nstrace's or trace-cmd's) to text, JSON Lines or a summary. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Convert a trace.dat (written by nstrace or trace-cmd) to text, JSON Lines or a summary.")
public final class ReportCommand implements Callable<Integer> {
    public enum Format { text, json, summary }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The trace.dat to read.")
    Path file;

    @Option(names = "--format", defaultValue = "text", description = "text, json or summary (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--container", paramLabel = "NAME", description = "Only events of this container.")
    String container;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of stdout.")
    Path output;

    @Override
    public Integer call() throws IOException {
        TraceData data = read(file);
        OutputFormat used = OutputFormat.valueOf(format.name());
        if (output != null) {
            try (OutputStream os = Files.newOutputStream(output)) {
                TraceOutput.write(data, used, os, container);
            }
            return 0;
        }
        PrintWriter out = spec.commandLine().getOut();
        try (OutputStream os = OutputMixin.textStream(out)) {
            TraceOutput.write(data, used, os, container);
        }
        out.flush();
        return 0;
    }

    static TraceData read(Path file) {
        try {
            return TraceDatReader.read(file);
        } catch (NoSuchFileException e) {
            throw NstraceException.user("no such file: " + file);
        } catch (IOException | RuntimeException e) {
            throw NstraceException.user("cannot read " + file + ": " + e.getMessage());
        }
    }
}
