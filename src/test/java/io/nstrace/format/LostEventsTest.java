package io.nstrace.format;

import io.nstrace.format.output.EventContext;
import io.nstrace.format.output.TraceSummary;
import io.nstrace.format.ringbuffer.TraceEvent;

import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The lost-event model: the case (stderr 161 lost, the summary 0 lost and "2 pages with an uncounted
 * loss", the file's stats overrun 161) must give 161 everywhere.
 */
class LostEventsTest {
    private static final String STATS = "entries: 0\noverrun: 161\ncommit overrun: 0\nbytes: 0\n"
            + "dropped events: 0\nread events: 7156\n";

    @Test
    void theOverrunCoversPagesFlaggedWithoutACount() {
        LostEvents.Cpu cpu = LostEvents.Cpu.of(STATS, 0, 2);
        assertEquals(161, cpu.total());
        assertEquals(new LostEvents(161, 0), cpu.asLost());
        assertEquals("161 lost", cpu.asLost().text());
    }

    @Test
    void storedCountsAboveAStaleOverrunWinAndDropsAndDiscardsAdd() {
        String stats = LostEvents.withDiscarded("overrun: 10\ndropped events: 3\n", 40);
        assertEquals("overrun: 10\ndropped events: 3\nnstrace discarded: 40\n", stats);
        assertEquals(25 + 3 + 40, LostEvents.Cpu.of(stats, 25, 0).total());
    }

    @Test
    void withoutStatsFlaggedPagesAreAnUncountedLossReportedApart() {
        LostEvents l = LostEvents.Cpu.of("", 7, 2).asLost();
        assertEquals(new LostEvents(7, 2), l);
        assertEquals("7 lost (+2 pages with an uncounted loss)", l.text());
    }

    @Test
    void theSummaryUsesTheTracesStatsPerBufferAndCpu() {
        ContainerMap map = new ContainerMap(List.of(new ContainerMap.ContainerInfo("", "web", "", "none"),
                new ContainerMap.ContainerInfo("db", "db", "", "none")), Map.of());
        TraceData.PageSource none = new TraceData.PageSource(Path.of("/dev/null"), 0, 0);
        TraceData data = new TraceData(4096, ByteOrder.LITTLE_ENDIAN, null, "", List.of(), Map.of(), new byte[0],
                new byte[0], "", 2, new TraceData.Options("", "", null, "nstrace", map), List.of(
                new TraceData.Buffer("", "local", List.of(new TraceData.CpuData(0, none, STATS),
                        new TraceData.CpuData(1, none, "overrun: 0\n"))),
                new TraceData.Buffer("db", "local", List.of(new TraceData.CpuData(0, none,
                        LostEvents.withDiscarded("overrun: 5\n", 100))))));
        TraceSummary s = new TraceSummary(new EventContext(Map.of(), map)).withStats(data);
        s.add(new TraceEvent("", 0, 1L, null, 0, 0, Map.of(), -1));
        s.add(new TraceEvent("", 0, 2L, null, 0, 0, Map.of(), -1));
        s.add(new TraceEvent("db", 0, 3L, null, 0, 0, Map.of(), 5));
        assertEquals(161 + 105, s.lost());
        assertEquals(0, s.lostUnknown());
        Map<String, Long> byContainer = new java.util.TreeMap<>();
        s.containers(5).forEach(c -> byContainer.put(c.name(), c.lost()));
        assertEquals(Map.of("db", 105L, "web", 161L), byContainer);
    }
}
