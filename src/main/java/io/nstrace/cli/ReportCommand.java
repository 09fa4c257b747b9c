package io.nstrace.cli;

import io.nstrace.error.NstraceException;
import io.nstrace.format.ContainerMap;
import io.nstrace.format.DamagedTraceException;
import io.nstrace.format.output.OutputFormat;
import io.nstrace.format.TraceData;
import io.nstrace.format.tracedat.TraceDatReader;
import io.nstrace.format.tracedat.TraceDatWriter;
import io.nstrace.format.output.TraceOutput;
import io.nstrace.format.profile.ProfileOutput;
import io.nstrace.format.profile.ProfileWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code nstrace report FILE}: converts a trace.dat (nstrace's or trace-cmd's) to text, JSON Lines, a summary
 * or a Perfetto trace.
 * A cut or damaged file is refused (exit 1, one line naming the file and the damage) unless {@code --salvage}
 * is given: then every intact page is reported, the damaged ones are marked as lost in the output and listed on
 * stderr (one line per damaged CPU), and the exit status is 0.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Convert a trace.dat (written by nstrace or trace-cmd) to text, JSON Lines, a summary or a Perfetto trace.")
public final class ReportCommand implements Callable<Integer> {
    public enum Format { text, json, summary, dat, perfetto, profile }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The trace.dat to read.")
    Path file;

    @Option(names = "--format", description = {"text, json, summary, dat (a trace.dat again: converts between versions;"
            + " needs -o or a pipe), perfetto (Perfetto's trace format) or profile. Default: from -o's name (.dat, .json,"
            + " .txt, .pftrace), text otherwise.",
            "profile: per container, then per task: syscall latency, scheduling latency, off-CPU time by state, CPU "
                    + "time, switches, migrations; text, or JSON/Markdown when -o names a .json/.md file."})
    Format format;

    @Option(names = "--dat-version", paramLabel = "N", converter = OutputMixin.DatVersionConverter.class,
            description = "With --format dat: the version to write, 7 (default; compressed with zstd) or 6.")
    Integer datVersion;

    @Option(names = "--container", paramLabel = "NAME", description = "Only events of this container.")
    String container;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of stdout.")
    Path output;

    @Option(names = "--salvage", description = {"Report a cut or damaged file anyway: keep every intact page, "
            + "mark the damaged ones as lost and list them on stderr.",
            "Without it such a file is refused (exit 1)."})
    boolean salvage;

    @Override
    public Integer call() throws IOException {
        if (output != null) {
            OutputFiles.require(output, io.nstrace.error.ExitCodes.USAGE);
        }
        try (TraceDatReader.Opened opened = open(file, salvage)) {
            return report(opened.data());
        }
    }

    private int report(TraceData data) throws IOException {
        checkContainer(data);
        String prefix = spec.qualifiedName() + ": ";
        salvageNotes(file, data).forEach(note -> spec.commandLine().getErr().println(prefix + note));
        spec.commandLine().getErr().flush();
        OutputFormat used = format != null ? OutputFormat.valueOf(format.name()) : output != null
                ? OutputFormat.forFileName(output.getFileName().toString(), OutputFormat.text) : OutputFormat.text;
        try {
            if (used == OutputFormat.dat) {
                if (container != null) {
                    throw NstraceException.user("--container does not apply to --format dat (a trace.dat keeps every"
                            + " buffer)");
                }
                OutputMixin.write(data, output, used, spec.commandLine().getOut(),
                        datVersion == null ? TraceDatWriter.Settings.DEFAULT_VERSION : datVersion);
                return 0;
            }
            if (output != null) {
                try (OutputStream os = OutputFiles.open(output)) {
                    write(data, used, os, output);
                } catch (IOException e) {
                    throw NstraceException.user("cannot write " + output + ": " + OutputFiles.reason(e));
                }
                return 0;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (used.binary() && io.nstrace.sys.Libc.isatty(1)) {
                throw NstraceException.user("not writing a binary perfetto trace to a terminal; give -o FILE");
            }
            out.flush();
            try (OutputStream os = used.binary() ? OutputMixin.rawStdout() : OutputMixin.textStream(out)) {
                write(data, used, os, null);
            }
            out.flush();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof DamagedTraceException d) {
                throw NstraceException.user(d.getMessage()); // the file changed after it was checked
            }
            throw e;
        }
        return 0;
    }

    private void write(TraceData data, OutputFormat used, OutputStream os, Path to) throws IOException {
        if (used == OutputFormat.profile) {
            ProfileOutput.write(data, to == null ? ProfileWriter.Rendering.text
                    : ProfileWriter.Rendering.forFileName(to.getFileName().toString()), os, container, file.toString());
        } else {
            TraceOutput.write(data, used, os, container);
        }
    }

    /**
     * {@code file} read (a compressed one decompressed into java.io.tmpdir until the result is closed); its
     * problems are user errors naming it.
     */
    static TraceDatReader.Opened open(Path file, boolean salvage) {
        try {
            return TraceDatReader.open(file, salvage, Path.of(System.getProperty("java.io.tmpdir")));
        } catch (NoSuchFileException e) {
            throw NstraceException.user("no such file: " + file);
        } catch (DamagedTraceException e) {
            throw NstraceException.user(e.getMessage() + (salvage ? "" : " (--salvage reports the intact pages)"));
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            // the reader's own refusals already name the file
            throw NstraceException.user(m.startsWith(file + ": ") ? m : "cannot read " + file + ": " + m);
        }
    }

    /** An unknown {@code --container} is an error that lists the containers the file has. */
    private void checkContainer(TraceData data) {
        if (container == null) {
            return;
        }
        ContainerMap map = data.options().containers();
        Set<String> names = new TreeSet<>();
        map.containers().forEach(c -> names.add(c.name()));
        map.tasks().values().forEach(t -> names.add(t.container()));
        names.remove("");
        if (!names.contains(container)) {
            throw NstraceException.user("no container '" + container + "' in " + file + (names.isEmpty()
                    ? "; it names no containers (not recorded by nstrace)" : "; it has: " + String.join(", ", names)));
        }
    }

    /** One line per CPU a salvaging read left pages out of: how many, and the first damage found there. */
    static List<String> salvageNotes(Path file, TraceData data) {
        List<String> notes = new ArrayList<>();
        for (TraceData.Buffer b : data.buffers()) {
            for (TraceData.CpuData c : b.cpus()) {
                if (c.dropped().isEmpty()) {
                    continue;
                }
                long declared = Math.max(0, c.pages().length());
                String where = file + ": " + (b.name().isEmpty() ? "" : "buffer " + b.name() + " ") + "cpu " + c.cpu();
                if (declared == 0) {
                    notes.add(where + ": all data lost: " + c.dropped().getFirst().reason());
                    continue;
                }
                notes.add(String.format("%s: left out %,d of %,d pages (%,d bytes) as lost: %s%s", where,
                        c.droppedPages(data.pageSize()), (declared + data.pageSize() - 1) / data.pageSize(),
                        c.droppedBytes(), c.dropped().getFirst().reason(),
                        c.dropped().size() > 1 ? " (and " + (c.dropped().size() - 1) + " more damaged parts)" : ""));
            }
        }
        return notes;
    }
}
