package io.nstrace.bench;

import io.nstrace.cli.Counts;

import io.nstrace.cli.NstraceCommand;

import io.nstrace.capture.Spool;
import io.nstrace.capture.CpuSpool;
import io.nstrace.capture.SpoolDrain;
import io.nstrace.format.ContainerMap;
import io.nstrace.format.tracedat.TraceDatWriter;
import io.nstrace.tracefs.TraceFs;
import io.nstrace.tracefs.TraceInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Hidden benchmark/test entry: records host PIDs into a spool with the real {@link SpoolDrain} through a private
 * instance, without the session layer. Prints {@code ready} when recording, stops at a line or EOF on stdin,
 * then prints the counts and optionally writes a trace.dat.
 */
@Command(name = "capture-raw", mixinStandardHelpOptions = true, hidden = true, description = "Record PIDs with the raw recorder (benchmarks).")
public final class CaptureRawCommand implements Callable<Integer> {
    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--pid", split = ",", required = true, converter = Counts.Positive.class)
    List<Integer> pids;

    @Option(names = {"-e", "--event"}, required = true, description = "system:event or system")
    List<String> events;

    @Option(names = "--buffer-kb", defaultValue = "0", converter = Counts.NonNegative.class)
    int bufferKb;

    @Option(names = "--spool", required = true)
    Path spool;

    @Option(names = {"-o", "--output"})
    Path output;

    @Override
    public Integer call() throws IOException {
        TraceFs fs = parent.services().traceFs();
        TraceInstance inst = fs.createInstance("nstrace-raw-" + UUID.randomUUID().toString().substring(0, 8));
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (bufferKb > 0) {
                inst.write("buffer_size_kb", String.valueOf(bufferKb));
            }
            inst.write("options/event-fork", "1");
            StringBuilder list = new StringBuilder();
            pids.forEach(p -> list.append(p).append(' '));
            inst.write("set_event_pid", list.toString().strip());
            for (String e : events) {
                inst.write("events/" + e.replace(':', '/') + "/enable", "1");
            }
            SpoolDrain rec = SpoolDrain.start(inst, parent.roots().proc(), spool);
            inst.write("tracing_on", "1");
            out.println("ready");
            out.flush();
            new BufferedReader(new InputStreamReader(System.in)).readLine();
            inst.write("tracing_on", "0");
            Spool c = rec.stop();
            for (CpuSpool s : c.cpus()) {
                out.printf("cpu%d events=%d lost=%d overrun=%d dropped=%d bytes=%d%n", s.cpu(), s.events(),
                        s.lost(), s.loss().overrun(), s.loss().dropped(), s.bytes());
            }
            out.printf("total events=%d lost=%d bytes=%d%n", c.events(), c.lost(), c.bytes());
            if (output != null) {
                try (OutputStream os = Files.newOutputStream(output)) {
                    TraceDatWriter.write(Spool.toTraceData(List.of(c), ContainerMap.empty()), os);
                }
            }
            out.flush();
            return 0;
        } finally {
            inst.remove();
        }
    }
}
