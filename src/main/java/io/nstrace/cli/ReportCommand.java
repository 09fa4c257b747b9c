package io.nstrace.cli;

import io.nstrace.error.NstraceException;
import io.nstrace.format.ContainerMap;
import io.nstrace.format.DamagedTraceException;
import io.nstrace.format.output.OutputFormat;
import io.nstrace.format.TraceData;
import io.nstrace.format.tracedat.TraceDatReader;
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
 * {@code nstrace report FILE}: converts a trace.dat (nstrace's or trace-cmd's) to text, JSON Lines or a summary.
 * A cut or damaged file is refused (exit 1, one line naming the file and the damage) unless {@code --salvage}
 * is given: then every intact page is reported, the damaged ones are marked as lost in the output and listed on
 * stderr (one line per damaged CPU), and the exit status is 0.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Convert a trace.dat (written by nstrace or trace-cmd) to text, JSON Lines or a summary.")
public final class ReportCommand implements Callable<Integer> {
    public enum Format { text, json, summary, profile }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The trace.dat to read.")
    Path file;

    @Option(names = "--format", defaultValue = "text", description = {"text, json, summary or profile (default: ${DEFAULT-VALUE}).",
            "profile: per container, then per task: syscall latency, scheduling latency, off-CPU time by state, CPU "
                    + "time, switches, migrations; text, or JSON/Markdown when -o names a .json/.md file."})
    Format format;

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
        TraceData data = read(file, salvage);
        checkContainer(data);
        String prefix = spec.qualifiedName() + ": ";
        salvageNotes(file, data).forEach(note -> spec.commandLine().getErr().println(prefix + note));
        spec.commandLine().getErr().flush();
        OutputFormat used = OutputFormat.valueOf(format.name());
        try {
            if (output != null) {
                try (OutputStream os = OutputFiles.open(output)) {
                    write(data, used, os, output);
                } catch (IOException e) {
                    throw NstraceException.user("cannot write " + output + ": " + OutputFiles.reason(e));
                }
                return 0;
            }
            PrintWriter out = spec.commandLine().getOut();
            try (OutputStream os = OutputMixin.textStream(out)) {
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

    static TraceData read(Path file, boolean salvage) {
        try {
            return salvage ? TraceDatReader.salvage(file) : TraceDatReader.read(file);
        } catch (NoSuchFileException e) {
            throw NstraceException.user("no such file: " + file);
        } catch (DamagedTraceException e) {
            throw NstraceException.user(e.getMessage() + (salvage ? "" : " (--salvage reports the intact pages)"));
        } catch (IOException e) {
            throw NstraceException.user("cannot read " + file + ": " + e.getMessage());
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
