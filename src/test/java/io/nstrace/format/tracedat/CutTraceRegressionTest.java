package io.nstrace.format.tracedat;

import io.nstrace.format.EventReader;
import io.nstrace.format.TraceData;
import io.nstrace.format.ringbuffer.PageDecoder;

import io.nstrace.testing.CliRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bug of issue 10: {@code report} on a trace.dat cut inside its last CPU's data exited 0 with events that were
 * never recorded (the last page decoded again and again from a stale buffer, time going back). Written against
 * the API the old reader already had, so it runs (and fails) on it too.
 */
class CutTraceRegressionTest {
    private static final Path FILE = Path.of("src/test/resources/traces/two-containers.dat");

    @TempDir
    Path tmp;

    /** A copy of the real recording cut {@code into} bytes into the third page of its last CPU's data, and where. */
    private Path cut(long[] where, int into) throws IOException {
        TraceData d = TraceDatReader.read(FILE);
        TraceData.CpuData last = d.buffers().getLast().cpus().stream().filter(c -> c.pages().length() > 0)
                .reduce((a, b) -> b).orElseThrow();
        where[0] = last.pages().offset() + 2L * d.pageSize() + into;
        return Files.write(tmp.resolve("cut.dat"), Arrays.copyOf(Files.readAllBytes(FILE), (int) where[0]));
    }

    /** Events in the intact file's pages that lie wholly before byte {@code cut}. */
    private static long eventsInWholePagesBefore(long cut) throws IOException {
        TraceData d = TraceDatReader.read(FILE);
        byte[] all = Files.readAllBytes(FILE);
        long n = 0;
        for (TraceData.Buffer b : d.buffers()) {
            for (TraceData.CpuData c : b.cpus()) {
                for (long at = c.pages().offset(); at + d.pageSize() <= Math.min(cut,
                        c.pages().offset() + c.pages().length()); at += d.pageSize()) {
                    ByteBuffer page = ByteBuffer.wrap(all, (int) at, d.pageSize()).slice().order(d.order());
                    n += PageDecoder.decode(page, 0, d.headerPage(), null).events();
                }
            }
        }
        return n;
    }

    /** At a page boundary the old reader decoded the last whole page again for every missing one. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1000})
    void aFileCutInsideCpuDataNeverYieldsMoreEventsThanItsWholePages(int into) throws IOException {
        long[] where = new long[1];
        Path file = cut(where, into);
        long whole = eventsInWholePagesBefore(where[0]);
        long events = 0;
        try (EventReader r = new EventReader(TraceDatReader.read(file))) {
            while (r.hasNext()) {
                if (!r.next().isLostMarker()) {
                    events++;
                }
            }
        } catch (IOException | java.io.UncheckedIOException refused) {
            return; // refused: nothing invented
        }
        assertTrue(events <= whole, events + " events read from a cut file whose whole pages hold " + whole);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1000})
    void reportOfACutFileExitsOneNamingTheFile(int into) throws IOException {
        long[] where = new long[1];
        Path file = cut(where, into);
        CliRun r = CliRun.run(Path.of("/proc"), tmp, "report", "--format", "summary", file.toString());
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.err().startsWith("nstrace report: " + file + ": "), r.err());
    }

    /** The same cut in a version 7 copy (zstd chunks): refused in one line naming the file, salvaged short. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1000})
    void aCutVersion7FileExitsOneNamingTheFileAndSalvagesFewerEvents(int into) throws IOException {
        Path v7 = tmp.resolve("v7.dat");
        try (java.io.OutputStream out = Files.newOutputStream(v7)) {
            io.nstrace.format.tracedat.TraceDatWriter.write(TraceDatReader.read(FILE), out);
        }
        byte[] all = Files.readAllBytes(v7);
        int cut = all.length - 2 * 4096 - into; // inside the last CPU's chunks (the strings section is ~120 bytes)
        Path file = Files.write(tmp.resolve("cut7.dat"), Arrays.copyOf(all, cut));
        CliRun r = CliRun.run(Path.of("/proc"), tmp, "report", "--format", "summary", file.toString());
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.err().startsWith("nstrace report: " + file + ": ") && r.err().lines().count() == 1, r.err());
        long events = 0;
        try (EventReader er = new EventReader(TraceDatReader.salvage(file))) {
            while (er.hasNext()) {
                if (!er.next().isLostMarker()) {
                    events++;
                }
            }
        }
        assertTrue(events > 0 && events < 2671, events + " events salvaged");
    }
}
