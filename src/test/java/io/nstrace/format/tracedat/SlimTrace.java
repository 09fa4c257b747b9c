package io.nstrace.format.tracedat;

import io.nstrace.format.TraceData;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes a real recording small enough to keep as a test resource: the same pages, formats, cmdlines, options
 * and container map, with kallsyms and printk formats cut to their first lines (a whole kallsyms is ~5 MB).
 * {@code java -cp target/classes:target/test-classes io.nstrace.format.SlimTrace IN.dat OUT.dat}
 */
public final class SlimTrace {
    private SlimTrace() {
    }

    public static void main(String[] args) throws IOException {
        TraceData d = TraceDatReader.read(Path.of(args[0]));
        TraceData slim = new TraceData(d.pageSize(), d.order(), d.headerPage(), d.headerEvent(), d.ftraceFormats(),
                d.eventFormats(), firstLines(d.kallsyms(), 300), firstLines(d.printkFormats(), 40), d.cmdlines(),
                d.cpuCount(), d.options(), d.buffers());
        try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            TraceDatWriter.write(slim, out);
        }
    }

    private static byte[] firstLines(byte[] text, int n) {
        String s = new String(text, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        s.lines().limit(n).forEach(l -> sb.append(l).append('\n'));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
