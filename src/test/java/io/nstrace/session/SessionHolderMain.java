package io.nstrace.session;

import io.nstrace.tracefs.TraceFs;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A separate nstrace-like process for the signal tests: attaches to the namespace of PID args[0] with the
 * state directory args[1], starts tracing, prints {@code READY <instance>} and waits to be signalled.
 */
public final class SessionHolderMain {
    private SessionHolderMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // as Main does: SIGINT reaches the shutdown hooks even when this was started with it ignored (a script's
        // background job)
        io.nstrace.sys.Signals.restoreInterrupt(() -> System.exit(130));
        TraceFs traceFs = TraceFs.locate(Path.of("/proc"), Optional.empty());
        FencedInstances m = FencedInstances.live(traceFs, LiveContainers.PROC, new StateDir(Path.of(args[1])));
        FencedInstance s = m.attach(LiveContainers.of("held", Integer.parseInt(args[0])), SessionOptions.defaults(),
                SessionListener.NONE);
        s.start();
        System.out.println("READY " + s.instance().name());
        System.out.flush();
        Thread.sleep(120_000);
        m.close();
    }
}
