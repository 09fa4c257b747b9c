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
    /** SIGINT's number on Linux. */
    public static final int SIGINT = 2;

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

    /**
     * Makes SIGINT reach the JVM however the process was started. A background job of a script inherits SIGINT
     * ignored and the JVM then never installs its handler, so {@code kill -INT} would do nothing; trace-cmd
     * installs its handler anyway, and so does this: when SIGINT is ignored, its disposition goes back to SIG_DFL
     * and {@code onInterrupt} is installed as the JVM would have (its default ends the JVM through the shutdown
     * hooks, exit 130). Returns whether it was ignored. SIGHUP is left alone (nohup ignores it on purpose).
     */
    public static boolean restoreInterrupt(Runnable onInterrupt) {
        try {
            if (!Libc.unignore(SIGINT)) {
                return false;
            }
        } catch (NativeException e) {
            return false; // sigaction cannot fail for SIGINT with valid pointers; nothing to restore then
        }
        Signal.handle(new Signal("INT"), received -> onInterrupt.run());
        return true;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
