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
            // the kernel's SigIgn mask says it without a native call: binding sigaction through FFM costs tens of
            // ms of every start-up, for the rare case of an inherited ignored SIGINT
            if (!ignoredIn(ownStatus(), SIGINT) || !Libc.unignore(SIGINT)) {
                return false;
            }
        } catch (NativeException e) {
            return false; // sigaction cannot fail for SIGINT with valid pointers; nothing to restore then
        }
        Signal.handle(new Signal("INT"), received -> onInterrupt.run());
        return true;
    }

    /** This process's /proc/self/status, or "" when unreadable (then the native check decides). */
    private static String ownStatus() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status"));
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * Whether {@code signal} may be ignored by the process whose /proc/PID/status is {@code status}: false only
     * when its {@code SigIgn:} mask is readable and lacks the signal's bit; true otherwise (let sigaction tell).
     */
    static boolean ignoredIn(String status, int signal) {
        for (String line : status.split("\n")) {
            if (line.startsWith("SigIgn:")) {
                try {
                    long mask = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    return (mask & (1L << (signal - 1))) != 0;
                } catch (NumberFormatException e) {
                    return true;
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
