package io.nstrace.format.tracedat;

import io.nstrace.format.ContainerMap;
import io.nstrace.format.DamagedTraceException;
import io.nstrace.format.EventReader;
import io.nstrace.format.Fixtures;
import io.nstrace.format.TraceData;
import io.nstrace.format.ringbuffer.EventFormat;
import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.format.ringbuffer.PageBuilder;
import io.nstrace.format.ringbuffer.PageDecoder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cut and corrupted copies of a real recording ({@link RealTrace}): each damage is found, named and contained. */
class TraceDatDamageTest {
    @TempDir
    Path tmp;

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    /** The intact file's last CPU region (the db buffer's last CPU with data), as {offset, length}. */
    private static long[] lastRegion() throws IOException {
        TraceData d = TraceDatReader.read(RealTrace.FILE);
        TraceData.CpuData last = d.buffers().getLast().cpus().stream().filter(c -> c.pages().length() > 0)
                .reduce((a, b) -> b).orElseThrow();
        return new long[] {last.pages().offset(), last.pages().length()};
    }

    private static long eventsBefore(List<RealTrace.Page> pages, long cut) {
        return pages.stream().filter(p -> p.offset() + 4096 <= cut).mapToLong(RealTrace.Page::events).sum();
    }

    @Test
    void theIntactRecordingReadsWhole() throws IOException {
        TraceData d = TraceDatReader.read(RealTrace.FILE);
        assertEquals(4096, d.pageSize());
        assertEquals(2, d.buffers().size());
        assertEquals(RealTrace.EVENTS, RealTrace.count(d)[0]);
        assertEquals(RealTrace.EVENTS, RealTrace.pages().stream().mapToLong(RealTrace.Page::events).sum());
    }

    @Test
    void aCutFileIsRefusedNamingTheFileTheCpuAndTheBytes() throws IOException {
        long[] region = lastRegion();
        long cut = region[0] + 2 * 4096 + 1000;
        Path file = write("cut.dat", Arrays.copyOf(RealTrace.bytes(), (int) cut));
        DamagedTraceException e = assertThrows(DamagedTraceException.class, () -> TraceDatReader.read(file));
        assertEquals(file + ": buffer faults-dat-db cpu 1 data ends at byte " + cut + ", file declares "
                + (region[0] + region[1]), e.getMessage());
    }

    @Test
    void salvageKeepsEveryWholePageBeforeTheCutAndMarksTheRestLost() throws IOException {
        List<RealTrace.Page> pages = RealTrace.pages();
        long cut = pages.get(3).offset() + 100; // inside the top buffer's cpu 0: every later page is gone
        Path file = write("cut.dat", Arrays.copyOf(RealTrace.bytes(), (int) cut));
        assertEquals(file + ": buffer faults-dat-db starts at byte 184320, past the end of the file (" + cut
                + " bytes)", assertThrows(DamagedTraceException.class, () -> TraceDatReader.read(file)).getMessage());
        // salvage: the top buffer's whole pages; the db buffer's table is gone with its data, so it is all lost
        TraceData top = TraceDatReader.salvage(file);
        long[] topCounted = RealTrace.count(top);
        assertEquals(eventsBefore(pages, cut), topCounted[0]);
        assertTrue(top.buffers().getLast().cpus().stream().allMatch(c -> !c.dropped().isEmpty()));

        long[] region = lastRegion();
        long inLast = region[0] + 4096 + 8;
        Path cutLast = write("cut-last.dat", Arrays.copyOf(RealTrace.bytes(), (int) inLast));
        TraceData salvaged = TraceDatReader.salvage(cutLast);
        long[] counted = RealTrace.count(salvaged);
        assertEquals(eventsBefore(pages, inLast), counted[0]);
        long declaredPages = region[1] / 4096;
        assertEquals(declaredPages - 1, counted[1], "every page past the cut is marked lost");
        TraceData.CpuData cpu = salvaged.buffers().getLast().cpus().get(1);
        assertEquals(List.of(new TraceData.Dropped(region[0] + 4096, region[0] + region[1],
                "data ends at byte " + inLast + ", file declares " + (region[0] + region[1]))), cpu.dropped());
    }

    @Test
    void aCommitLengthPastThePageIsDamageAndSalvageDropsThatPageAlone() throws IOException {
        RealTrace.Page victim = RealTrace.pages().get(2);
        byte[] b = RealTrace.bytes();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) victim.offset() + 8, 8192);
        Path file = write("commit.dat", b);
        DamagedTraceException e = assertThrows(DamagedTraceException.class, () -> TraceDatReader.read(file));
        assertEquals(file + ": cpu " + victim.cpu() + " page at byte " + victim.offset()
                + ": commit length 8192 exceeds the page's 4080 data bytes", e.getMessage());
        long[] counted = RealTrace.count(TraceDatReader.salvage(file));
        assertEquals(RealTrace.EVENTS - victim.events(), counted[0]);
        assertEquals(1, counted[1]);
    }

    @Test
    void anEventShorterThanItsFormatIsDamage() throws IOException {
        EventFormat biggest = null;
        int need = 0;
        for (EventFormat f : TraceDatReader.read(RealTrace.FILE).formatsById().values()) {
            int min = f.fields().stream().mapToInt(x -> x.offset() + x.size()).max().orElse(0);
            if (min > need) {
                need = min;
                biggest = f;
            }
        }
        RealTrace.Page victim = RealTrace.pages().get(4);
        byte[] b = RealTrace.bytes();
        int[] shorter = new int[2]; // offset and length of the page's first event shorter than that
        int needed = need;
        ByteBuffer page = ByteBuffer.wrap(b, (int) victim.offset(), 4096).slice().order(ByteOrder.LITTLE_ENDIAN);
        PageDecoder.decode(page, 0, HeaderPage.default64(), (ts, buf, off, len) -> {
            if (shorter[0] == 0 && len < needed) {
                shorter[0] = off;
                shorter[1] = len;
            }
        });
        assertTrue(shorter[0] > 0);
        page.putShort(shorter[0], (short) biggest.id());
        Path file = write("type.dat", b);
        DamagedTraceException e = assertThrows(DamagedTraceException.class, () -> TraceDatReader.read(file));
        assertTrue(e.getMessage().endsWith("page at byte " + victim.offset() + ": event type " + biggest.id()
                + " at page offset " + shorter[0] + " has " + shorter[1] + " bytes, its format needs " + need),
                e.getMessage());
    }

    /** Events another tool enabled in the same buffer have no format in the file: shown as unknown, not damage. */
    @Test
    void anEventTypeWithoutAFormatIsReadAsUnknown() throws IOException {
        RealTrace.Page victim = RealTrace.pages().get(4);
        byte[] b = RealTrace.bytes();
        ByteBuffer page = ByteBuffer.wrap(b, (int) victim.offset(), 4096).slice().order(ByteOrder.LITTLE_ENDIAN);
        int[] first = new int[1];
        PageDecoder.decode(page, 0, HeaderPage.default64(), (ts, buf, off, len) -> {
            if (first[0] == 0) {
                first[0] = off;
            }
        });
        page.putShort(first[0], (short) 0xfffe);
        Path file = write("type.dat", b);
        long unknown = 0;
        try (EventReader r = new EventReader(TraceDatReader.read(file))) {
            while (r.hasNext()) {
                if (r.next().eventName().equals("unknown:65534")) {
                    unknown++;
                }
            }
        }
        assertEquals(1, unknown);
    }

    @Test
    void aPageRunningAheadInTimeIsDroppedAloneAndSoIsOneGoingBack() throws IOException {
        List<RealTrace.Page> pages = RealTrace.pages();
        RealTrace.Page victim = pages.get(8); // a page in the middle of the top buffer's cpu 1
        assertEquals(pages.get(7).cpu(), victim.cpu());
        assertEquals(pages.get(9).cpu(), victim.cpu());
        long ts = ByteBuffer.wrap(RealTrace.bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong((int) victim.offset());
        for (long shift : new long[] {1L << 40, -ts / 2}) {
            byte[] b = RealTrace.bytes();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) victim.offset(), ts + shift);
            Path file = write("time.dat", b);
            DamagedTraceException e = assertThrows(DamagedTraceException.class, () -> TraceDatReader.read(file));
            assertTrue(e.getMessage().contains("page at byte " + victim.offset() + ": time "
                    + (shift > 0 ? "runs ahead of" : "goes back")), e.getMessage());
            long[] counted = RealTrace.count(TraceDatReader.salvage(file));
            assertEquals(RealTrace.EVENTS - victim.events(), counted[0]);
            assertEquals(1, counted[1]);
        }
    }

    @Test
    void headerFieldsAreCheckedAgainstEachOtherAndTheFile() throws IOException {
        byte[] b = RealTrace.bytes();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(14, 4097);
        Path file = write("pagesize.dat", b);
        assertEquals(file + ": page size 4097 at byte 14 is not a power of two from 4096 to 16777216",
                assertThrows(DamagedTraceException.class, () -> TraceDatReader.salvage(file)).getMessage());
        // 8192 is a valid size, but not this file's: the second half of every "page" is not zero past its commit
        byte[] d = RealTrace.bytes();
        ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putInt(14, 8192);
        Path doubled = write("doubled.dat", d);
        assertThrows(DamagedTraceException.class, () -> TraceDatReader.read(doubled));
    }

    @Test
    void aCpuTableEntryOutsideTheDataIsDamage() throws IOException {
        byte[] b = RealTrace.bytes();
        int table = indexOf(b, "flyrecord\0".getBytes()) + 10;
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long offset = bb.getLong(table);
        bb.putLong(table, offset + 100);
        Path file = write("table.dat", b);
        assertEquals(file + ": cpu 0 data offset " + (offset + 100) + " is not a multiple of the page size 4096",
                assertThrows(DamagedTraceException.class, () -> TraceDatReader.read(file)).getMessage());
        bb.putLong(table, offset + 4096); // now overlaps cpu 1
        Files.write(file, b);
        assertTrue(assertThrows(DamagedTraceException.class, () -> TraceDatReader.read(file)).getMessage()
                .contains("cpu 0 data overlaps cpu 1's at byte"));
        bb.putLong(table, -4096); // found by the fuzz test: a salvage then read at a negative position
        Files.write(file, b);
        assertEquals(file + ": cpu 0 data at byte -4096 (" + bb.getLong(table + 8) + " bytes) is impossible",
                assertThrows(DamagedTraceException.class, () -> TraceDatReader.read(file)).getMessage());
        long cpu0 = RealTrace.pages().stream().filter(p -> p.buffer().isEmpty() && p.cpu() == 0)
                .mapToLong(RealTrace.Page::events).sum();
        assertEquals(RealTrace.EVENTS - cpu0, RealTrace.count(TraceDatReader.salvage(file))[0]);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    /** Sub-buffers larger than a page (buffer_subbuf_size_kb): the page size comes from the file, not 4096. */
    @Test
    void pagesOfEightKibAreReadWholeAndACutInsideOneIsFound() throws IOException {
        EventFormat exit = Fixtures.format("sched", "sched_process_exit");
        PageBuilder pb = new PageBuilder(1_000, 8192);
        int events = 0;
        while (events < 200) { // 200 x 40 bytes: well past the first 4 KiB
            pb.event(10, exit.id(), 100 + events, new int[7]);
            events++;
        }
        Path pages = Files.write(tmp.resolve("cpu0.raw"), Arrays.copyOf(pb.build().array(), 8192));
        TraceData d = new TraceData(8192, ByteOrder.LITTLE_ENDIAN, HeaderPage.parse(Fixtures.text("header_page")),
                Fixtures.text("header_event"), List.of(), Map.of("sched", List.of(exit.text())), new byte[0],
                new byte[0], "", 1, new TraceData.Options("Linux", "[local]", null, "t", ContainerMap.empty()),
                List.of(new TraceData.Buffer("", "local", List.of(
                        new TraceData.CpuData(0, new TraceData.PageSource(pages, 0, 8192), "")))));
        Path file = tmp.resolve("big.dat");
        try (OutputStream out = Files.newOutputStream(file)) {
            TraceDatWriter.write(d, out, TraceDatWriter.Settings.of(6, tmp)); // page offsets in the file
        }
        TraceData back = TraceDatReader.read(file);
        assertEquals(8192, back.pageSize());
        assertEquals(200, RealTrace.count(back)[0]);
        long offset = back.buffers().getFirst().cpus().getFirst().pages().offset();
        Path cut = write("big-cut.dat", Arrays.copyOf(Files.readAllBytes(file), (int) offset + 4096));
        assertEquals(cut + ": cpu 0 data ends at byte " + (offset + 4096) + ", file declares " + (offset + 8192),
                assertThrows(DamagedTraceException.class, () -> TraceDatReader.read(cut)).getMessage());
        long[] salvaged = RealTrace.count(TraceDatReader.salvage(cut));
        assertEquals(0, salvaged[0]);
        assertEquals(1, salvaged[1]);
    }
}
