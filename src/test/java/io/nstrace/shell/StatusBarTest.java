package io.nstrace.shell;

import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StatusBarTest {
    private final AtomicReference<List<String>> lines = new AtomicReference<>(List.of());
    private final List<List<String>> drawn = new ArrayList<>();
    private final StatusBar bar = new StatusBar(lines::get,
            shown -> drawn.add(shown.stream().map(AttributedString::toString).toList()));

    @Test
    void drawsWhileThereAreLinesAndClearsOnceWhenTheyGo() {
        bar.tick();
        assertEquals(List.of(), drawn, "nothing to show, nothing drawn");
        lines.set(List.of("web-1  120 ev/s  lost 0"));
        bar.tick();
        lines.set(List.of("web-1  130 ev/s  lost 0", "db-7  4 ev/s  lost 2"));
        bar.tick();
        lines.set(List.of());
        bar.tick();
        bar.tick();
        assertEquals(List.of(List.of("web-1  120 ev/s  lost 0"),
                List.of("web-1  130 ev/s  lost 0", "db-7  4 ev/s  lost 2"), List.of()), drawn);
    }

    @Test
    void aFailingSourceHidesTheBar() {
        lines.set(List.of("web-1"));
        bar.tick();
        StatusBar failing = new StatusBar(() -> {
            throw new IllegalStateException("boom");
        }, shown -> drawn.add(List.of("drawn " + shown.size())));
        failing.tick();
        assertEquals(List.of(List.of("web-1")), drawn, "a source that never had lines draws nothing");
    }

    @Test
    void closeClearsAShownBar() {
        lines.set(List.of("web-1"));
        bar.tick();
        bar.close();
        assertEquals(List.of(List.of("web-1"), List.of()), drawn);
    }
}
