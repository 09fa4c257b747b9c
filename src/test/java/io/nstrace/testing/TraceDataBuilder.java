package io.nstrace.testing;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.TraceData;
import io.nstrace.format.ringbuffer.HeaderPage;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way tests make a {@link TraceData}: 4096-byte little-endian pages, a header page, and by default no
 * event formats, no kallsyms, one CPU, clock "[local]"; each call sets one field by name.
 */
public final class TraceDataBuilder {
    private final HeaderPage headerPage;
    private String headerEvent = "";
    private Map<String, List<String>> eventFormats = Map.of();
    private String cmdlines = "";
    private int cpuCount = 1;
    private String uname = "";
    private String clock = "[local]";
    private Long dateOffsetUs;
    private String version = "t";
    private ContainerMap containers = ContainerMap.empty();
    private final List<TraceData.Buffer> buffers = new ArrayList<>();
    private final Map<String, List<TraceData.CpuData>> cpus = new LinkedHashMap<>();

    private TraceDataBuilder(HeaderPage headerPage) {
        this.headerPage = headerPage;
    }

    public static TraceDataBuilder withHeaderPage(HeaderPage headerPage) {
        return new TraceDataBuilder(headerPage);
    }

    public TraceDataBuilder headerEvent(String v) {
        headerEvent = v;
        return this;
    }

    public TraceDataBuilder eventFormats(Map<String, List<String>> v) {
        eventFormats = v;
        return this;
    }

    public TraceDataBuilder cmdlines(String v) {
        cmdlines = v;
        return this;
    }

    public TraceDataBuilder cpuCount(int v) {
        cpuCount = v;
        return this;
    }

    public TraceDataBuilder uname(String v) {
        uname = v;
        return this;
    }

    public TraceDataBuilder clock(String v) {
        clock = v;
        return this;
    }

    public TraceDataBuilder dateOffsetUs(Long v) {
        dateOffsetUs = v;
        return this;
    }

    public TraceDataBuilder version(String v) {
        version = v;
        return this;
    }

    public TraceDataBuilder containers(ContainerMap v) {
        containers = v;
        return this;
    }

    /** Pages of {@code cpu} in buffer {@code buffer} ("" is the top-level one): {@code length} bytes of {@code file}. */
    public TraceDataBuilder cpu(String buffer, int cpu, Path file, long offset, long length, String stats) {
        cpus.computeIfAbsent(buffer, b -> new ArrayList<>())
                .add(new TraceData.CpuData(cpu, new TraceData.PageSource(file, offset, length), stats));
        return this;
    }

    public TraceData build() {
        buffers.clear();
        cpus.forEach((name, list) -> buffers.add(new TraceData.Buffer(name, "local", List.copyOf(list))));
        return new TraceData(4096, ByteOrder.LITTLE_ENDIAN, headerPage, headerEvent, List.of(), eventFormats,
                new byte[0], new byte[0], cmdlines, cpuCount,
                new TraceData.Options(uname, clock, dateOffsetUs, version, containers), List.copyOf(buffers));
    }
}
