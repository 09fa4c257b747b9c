package io.nstrace.cli;

import java.io.IOException;
import java.io.InputStream;

/**
 * record's {@code --stop-on-stdin}: a daemon thread that reads stdin and calls {@code stop} at the first newline,
 * at end of file or on a read error. A remote caller (nstrace kube, through the API server's exec) stops the
 * recording by writing a line, and a caller that goes away (its stream closed, the kubelet closing the process's
 * stdin) stops it too, so no recording outlives the client that asked for it by more than -d.
 */
final class StdinStop {
    private StdinStop() {
    }

    static Thread watch(InputStream in, Runnable stop) {
        return Thread.ofPlatform().daemon().name("stdin-stop").start(() -> {
            try {
                int b;
                do {
                    b = in.read();
                } while (b != -1 && b != '\n');
            } catch (IOException e) {
                // a broken stdin is a caller gone: stop as well
            }
            stop.run();
        });
    }
}
