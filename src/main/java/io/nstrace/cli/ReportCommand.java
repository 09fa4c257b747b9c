package io.nstrace.cli;

import io.nstrace.NstraceException;
import io.nstrace.format.EventContext;
import io.nstrace.format.EventReader;
import io.nstrace.format.JsonWriter;
import io.nstrace.format.TextWriter;
import io.nstrace.format.TraceData;
import io.nstrace.format.TraceDatReader;
import io.nstrace.format.TraceEvent;
import io.nstrace.format.TraceSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

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
        EventContext ctx = EventContext.of(data);
        try (EventReader reader = new EventReader(data); Writer out = open()) {
            Iterator<TraceEvent> events = filter(reader, container == null ? e -> true
                    : e -> e.isLostMarker() || ctx.container(e).filter(container::equals).isPresent());
            switch (format) {
                case text -> {
                    TextWriter w = new TextWriter(out, ctx);
                    w.header(data.cpuCount());
                    w.writeAll(events);
                }
                case json -> new JsonWriter(out, ctx).writeAll(events);
                case summary -> new TraceSummary(ctx).addAll(events).write(out);
            }
        }
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

    private Writer open() throws IOException {
        if (output == null) {
            return new NonClosing(spec.commandLine().getOut());
        }
        return new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8);
    }

    static Iterator<TraceEvent> filter(Iterator<TraceEvent> in, Predicate<TraceEvent> keep) {
        return new Iterator<>() {
            TraceEvent next = advance();

            private TraceEvent advance() {
                while (in.hasNext()) {
                    TraceEvent e = in.next();
                    if (keep.test(e)) {
                        return e;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public TraceEvent next() {
                TraceEvent e = next;
                next = advance();
                return e;
            }
        };
    }

    /** Flushes but never closes the command's own output. */
    private static final class NonClosing extends java.io.FilterWriter {
        NonClosing(Writer w) {
            super(w);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
