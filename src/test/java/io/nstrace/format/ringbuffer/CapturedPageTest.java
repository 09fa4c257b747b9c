package io.nstrace.format.ringbuffer;

import io.nstrace.format.Fixtures;
import io.nstrace.format.printfmt.PrintFmtRenderer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A page read from this kernel's trace_pipe_raw (dd in a PID namespace: syscalls, exec, exit), decoded and
 * compared with a golden file, and its rendered fields compared with trace-cmd report's lines for the same page.
 */
class CapturedPageTest {
    private static final Path PAGES = Fixtures.ROOT.resolve("pages");
    private static final Path GOLDEN = Path.of("src/test/resources/golden/cpu0-page.decoded.txt");

    private static List<String> decode() throws IOException {
        Map<Integer, EventFormat> byId = new HashMap<>();
        for (String[] e : new String[][] {{"syscalls", "sys_enter_read"}, {"syscalls", "sys_exit_read"},
                {"syscalls", "sys_enter_write"}, {"sched", "sched_process_exec"}, {"sched", "sched_process_exit"}}) {
            EventFormat f = Fixtures.format(e[0], e[1]);
            byId.put(f.id(), f);
        }
        ByteBuffer page = ByteBuffer.wrap(Files.readAllBytes(PAGES.resolve("cpu0-page.raw")))
                .order(ByteOrder.LITTLE_ENDIAN);
        HeaderPage hp = HeaderPage.parse(Fixtures.text("header_page"));
        List<String> lines = new ArrayList<>();
        PageDecoder.decode(page, 0, hp, (ts, buf, off, len) -> {
            EventFormat f = byId.get(EventDecoder.type(buf, off));
            Map<String, Object> v = EventDecoder.decode(f, buf, off, len);
            lines.add(ts + " " + f.fullName() + " pid=" + EventDecoder.pid(buf, off) + " " + v + " | "
                    + PrintFmtRenderer.render(f, v));
        });
        return lines;
    }

    @Test
    void matchesTheGoldenDecode() throws IOException {
        List<String> lines = decode();
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.write(GOLDEN, lines);
        }
        assertEquals(Files.readAllLines(GOLDEN), lines);
    }

    @Test
    void renderedFieldsEqualTraceCmdReport() throws IOException {
        List<String> ours = decode().stream().map(l -> l.substring(l.indexOf(" | ") + 3)).toList();
        List<String> theirs = Files.readAllLines(PAGES.resolve("cpu0-page.trace-cmd-report.txt")).stream()
                .map(l -> l.replaceFirst("^.*?\\]\\s+\\S+:\\s+\\S+:\\s+", "").strip()).toList();
        assertEquals(theirs.size(), ours.size());
        for (int i = 0; i < ours.size(); i++) {
            assertEquals(theirs.get(i), ours.get(i).strip(), "event " + i);
        }
    }
}
