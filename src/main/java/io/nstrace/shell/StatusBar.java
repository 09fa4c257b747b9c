package io.nstrace.shell;

import io.nstrace.cli.context.StatusSource;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.Status;

import java.util.List;
import java.util.function.Consumer;

/**
 * The status lines at the bottom of the terminal (JLine {@link Status}): a daemon thread asks the
 * {@link StatusSource} about once a second and redraws while it has lines, clears the bar once when they go
 * away, and does nothing on a terminal that cannot keep a bottom line (dumb, piped).
 */
final class StatusBar implements AutoCloseable {
    static final long PERIOD_MILLIS = 1000;

    private final StatusSource source;
    private final Consumer<List<AttributedString>> display;
    private Thread thread;
    private boolean shown;

    StatusBar(StatusSource source, Consumer<List<AttributedString>> display) {
        this.source = source;
        this.display = display;
    }

    /** A running bar on a capable terminal, else one that never draws. */
    static StatusBar start(Terminal terminal, StatusSource source) {
        Status status = Status.getStatus(terminal);
        if (status == null || Terminal.TYPE_DUMB.equals(terminal.getType())
                || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
            return new StatusBar(source, lines -> { });
        }
        StatusBar bar = new StatusBar(source, status::update);
        bar.thread = Thread.ofPlatform().daemon().name("nstrace-status").start(bar::loop);
        return bar;
    }

    private void loop() {
        try {
            while (true) {
                Thread.sleep(PERIOD_MILLIS);
                synchronized (this) {
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    tick();
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** One refresh: draw the source's lines, or clear the bar once when they are gone. */
    synchronized void tick() {
        List<String> lines;
        try {
            lines = source.lines();
        } catch (RuntimeException e) {
            lines = List.of(); // a failing source hides the bar rather than killing the shell
        }
        if (!lines.isEmpty()) {
            display.accept(lines.stream().map(AttributedString::new).toList());
            shown = true;
        } else if (shown) {
            display.accept(List.of());
            shown = false;
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.interrupt();
        }
        if (shown) {
            display.accept(List.of());
        }
    }
}
