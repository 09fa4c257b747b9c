package io.nstrace.capture;

import io.nstrace.format.ringbuffer.HeaderPage;
import io.nstrace.format.ringbuffer.PageBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The recorder's fallback when the kernel's counters cannot say: the spool file's pages are walked. */
class SpoolScanTest {
    @TempDir
    Path tmp;

    @Test
    void countsEventsAndPageHeaderLossesOfEveryPage() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        int events = 0;
        for (int p = 0; p < 600; p++) { // more than one read chunk
            PageBuilder b = new PageBuilder(1000L * p);
            for (int i = 0; i < p % 7; i++) {
                b.event(1, 300, 42, i);
                events++;
            }
            ByteBuffer page = p == 5 ? b.build(HeaderPage.MISSING_EVENTS | HeaderPage.MISSING_STORED, 161L)
                    : p == 9 ? b.build(HeaderPage.MISSING_EVENTS, null) : b.build();
            file.write(page.array(), 0, 4096);
        }
        Path spool = tmp.resolve("x.cpu0");
        Files.write(spool, file.toByteArray());
        assertEquals(new SpoolScan(events, 161, 1, 600), SpoolScan.of(spool, Files.size(spool), 4096, HeaderPage.default64()));
        assertEquals(new SpoolScan(0 + 1 + 2, 0, 0, 3), SpoolScan.of(spool, 3 * 4096, 4096, HeaderPage.default64()),
                "only the bytes the recorder reported");
        assertEquals(SpoolScan.of(spool, Files.size(spool), 4096, HeaderPage.default64()),
                SpoolScan.of(spool, 0, 4096 * 300, 4096, HeaderPage.default64())
                        .plus(SpoolScan.of(spool, 4096 * 300, Files.size(spool), 4096, HeaderPage.default64())),
                "a file walked in two parts (live counts) = walked at once");
    }
}
