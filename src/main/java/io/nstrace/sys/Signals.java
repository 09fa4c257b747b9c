package io.nstrace.sys;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * Scoped handlers for SIGINT, SIGTERM and SIGHUP: while the scope is open the signals call {@code action}
 * instead of starting JVM shutdown (so a recording can stop and still write its trace); closing the scope puts
 * the previous handlers back.
 */
public final class Signals implements AutoCloseable {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    private Signals() {
    }

    /** Routes the named signals (e.g. "INT", "TERM", "HUP") to {@code action(signalNumber)}. */
    public static Signals handle(java.util.function.IntConsumer action, String... names) {
        Signals s = new Signals();
        for (String name : names) {
            Signal sig = new Signal(name);
            s.signals.add(sig);
            s.previous.add(Signal.handle(sig, received -> action.accept(received.getNumber())));
        }
        return s;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
