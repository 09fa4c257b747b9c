package io.nstrace.cli;

import io.nstrace.testing.TraceDataBuilder;
import io.nstrace.format.ContainerMap;
import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.format.TraceData;
import io.nstrace.format.tracedat.TraceDatWriter;
import io.nstrace.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCommandTest {
    private static final Path FIX = Path.of("tracefs-fixtures/6.18.44-fc-v669");

    @TempDir
    Path tmp;

    private Path dat() throws IOException {
        Path dat = tmp.resolve("t.dat");
        if (Files.exists(dat)) {
            return dat;
        }
        Path page = tmp.resolve("cpu0.raw");
        Files.copy(FIX.resolve("pages/cpu0-page.raw"), page, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, List<String>> formats = Map.of(
                "syscalls", List.of(read("syscalls/sys_enter_read"), read("syscalls/sys_exit_read"),
                        read("syscalls/sys_enter_write")),
                "sched", List.of(read("sched/sched_process_exec"), read("sched/sched_process_exit")));
        ContainerMap map = ContainerMap.empty()
                .withContainer(new ContainerMap.ContainerInfo("", "web", "abc", "docker"))
                .withTask(new ContainerMap.TaskInfo(32634, "web", List.of(32634, 7), "dd"));
        TraceData d = TraceDataBuilder.withHeaderPage(HeaderPage.parse(Files.readString(FIX.resolve("header_page"))))
                .headerEvent(Files.readString(FIX.resolve("header_event"))).eventFormats(formats)
                .cmdlines("32634 dd\n").uname("Linux").containers(map).cpu("", 0, page, 0, 4096, "").build();
        try (OutputStream out = Files.newOutputStream(dat)) {
            TraceDatWriter.write(d, out);
        }
        return dat;
    }

    private static String read(String event) throws IOException {
        return Files.readString(FIX.resolve("events/" + event + "/format"));
    }

    @Test
    void textShowsContainerAndInContainerPid() throws IOException {
        CliRun r = CliRun.run(Path.of("/proc"), tmp, "report", dat().toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("cpus=1", lines.getFirst());
        assertEquals(27, lines.size());
        assertTrue(lines.get(1).matches("\\s+dd-32634 \\[000\\] +\\d+\\.\\d{6}: sys_enter_read: +fd: 0x00000000, .* \\(web:7\\)"),
                lines.get(1));
    }

    @Test
    void summaryCountsEventsPerContainerAndType() throws IOException {
        CliRun r = CliRun.run(Path.of("/proc"), tmp, "report", "--format", "summary", dat().toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("events: 26  lost: 0"), r.out());
        assertTrue(r.out().contains("container web: 26 events"), r.out());
        assertTrue(r.out().matches("(?s).*syscalls:sys_enter_write\\s+\\d+.*"), r.out());
    }

    @Test
    void jsonLinesToAFileAndContainerFilter() throws IOException {
        Path out = tmp.resolve("out.json");
        CliRun r = CliRun.run(Path.of("/proc"), tmp, "report", "--format", "json", "-o", out.toString(),
                dat().toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(26, Files.readAllLines(out).size());
        assertTrue(Files.readAllLines(out).getFirst().contains("\"container\":\"web\",\"containerPid\":7"));
        CliRun web = CliRun.run(Path.of("/proc"), tmp, "report", "--container", "web", dat().toString());
        assertEquals(27, web.out().lines().count(), web.err());
    }

    @Test
    void unknownContainerIsAnErrorListingTheFilesContainers() throws IOException {
        CliRun none = CliRun.run(Path.of("/proc"), tmp, "report", "--container", "nosuch", dat().toString());
        assertEquals(1, none.exitCode());
        assertEquals("", none.out());
        assertEquals("nstrace report: no container 'nosuch' in " + dat() + "; it has: web\n", none.err());
    }

    @Test
    void missingOrBadFilesAreUserErrors() throws IOException {
        CliRun missing = CliRun.run(Path.of("/proc"), tmp, "report", tmp.resolve("nope.dat").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("no such file"), missing.err());
        Path junk = Files.writeString(tmp.resolve("junk.dat"), "hello");
        CliRun bad = CliRun.run(Path.of("/proc"), tmp, "report", junk.toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("junk.dat"), bad.err());
    }

    /** A real two-container recording cut inside its last CPU's data (see format.RealTrace). */
    private Path cutRecording(long[] declaredEnd) throws IOException {
        Path real = Path.of("src/test/resources/traces/two-containers.dat");
        TraceData d = io.nstrace.format.tracedat.TraceDatReader.read(real);
        TraceData.CpuData last = d.buffers().getLast().cpus().getLast();
        declaredEnd[0] = last.pages().offset() + last.pages().length();
        long cut = last.pages().offset() + 4096 + 7;
        return Files.write(tmp.resolve("web.dat"), java.util.Arrays.copyOf(Files.readAllBytes(real), (int) cut));
    }

    @Test
    void aCutFileExitsOneWithOneLineAndSalvageMarksTheRestLost() throws IOException {
        long[] end = new long[1];
        Path cut = cutRecording(end);
        long at = Files.size(cut);
        CliRun refused = CliRun.run(Path.of("/proc"), tmp, "report", cut.toString());
        assertEquals(1, refused.exitCode());
        assertEquals("", refused.out());
        assertEquals("nstrace report: " + cut + ": buffer faults-dat-db cpu 1 data ends at byte " + at
                + ", file declares " + end[0] + " (--salvage reports the intact pages)\n", refused.err());

        CliRun salvaged = CliRun.run(Path.of("/proc"), tmp, "report", "--salvage", "--format", "summary",
                cut.toString());
        assertEquals(0, salvaged.exitCode(), salvaged.err());
        long lostPages = (end[0] - (at - 7)) / 4096;
        assertEquals("nstrace report: " + cut + ": buffer faults-dat-db cpu 1: left out " + lostPages + " of " + (lostPages + 1)
                + " pages (" + String.format("%,d", lostPages * 4096) + " bytes) as lost: data ends at byte " + at
                + ", file declares " + end[0] + "\n", salvaged.err());
        assertTrue(salvaged.out().startsWith("events: "), salvaged.out());
        assertTrue(salvaged.out().lines().findFirst().orElseThrow()
                .contains("(+" + lostPages + " pages with an uncounted loss)"), salvaged.out());

        CliRun json = CliRun.run(Path.of("/proc"), tmp, "report", "--salvage", "--format", "json", cut.toString());
        assertTrue(json.out().lines().anyMatch(l -> l.matches("\\{\"ts\":\\d+,\"cpu\":1,\"lost\":-1,"
                + "\"dropped_pages\":" + lostPages + "}")), json.out());
        CliRun text = CliRun.run(Path.of("/proc"), tmp, "report", "--salvage", cut.toString());
        assertTrue(text.out().contains("CPU:1 [EVENTS DROPPED: " + lostPages + " damaged pages left out]"));
    }

    @Test
    void aFileWithoutAContainerMapSaysSoForContainer() throws IOException {
        TraceData d = io.nstrace.format.tracedat.TraceDatReader.read(dat());
        Path bare = tmp.resolve("bare.dat");
        try (OutputStream out = Files.newOutputStream(bare)) {
            TraceDatWriter.write(new TraceData(d.pageSize(), d.order(), d.headerPage(), d.headerEvent(),
                    d.ftraceFormats(), d.eventFormats(), d.kallsyms(), d.printkFormats(), d.cmdlines(), d.cpuCount(),
                    new TraceData.Options("Linux", "[local]", null, "t", ContainerMap.empty()), d.buffers()), out);
        }
        CliRun r = CliRun.run(Path.of("/proc"), tmp, "report", "--container", "web", bare.toString());
        assertEquals(1, r.exitCode());
        assertEquals("nstrace report: no container 'web' in " + bare
                + "; it names no containers (not recorded by nstrace)\n", r.err());
    }
}
