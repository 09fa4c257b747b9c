package io.nstrace.session;

import io.nstrace.error.NstraceException;
import io.nstrace.tracefs.ChildWrite;
import io.nstrace.tracefs.TraceInstance;

/**
 * An instance being attached: created and configured by the attaching thread, while the shutdown hook (a signal)
 * may abandon it at any moment. The lock makes the two agree: the hook sees the instance once mkdir returned, and
 * the attaching thread never creates it, nor starts a slow write, after the hook gave up on it.
 */
final class PendingInstance {
    private final String name;
    private TraceInstance instance;
    private ChildWrite write;
    private boolean abandoned;

    PendingInstance(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    synchronized TraceInstance create(FencedInstances.InstanceStore store) {
        if (abandoned) {
            throw new NstraceException(io.nstrace.error.ExitCodes.USER, "cancelled by a signal: " + name
                    + " not created");
        }
        instance = store.create(name);
        return instance;
    }

    /** The slow write under way (null once it ended); one started after {@link #abandon} is cancelled at once. */
    void writing(ChildWrite w) {
        boolean cancel;
        synchronized (this) {
            cancel = abandoned && w != null;
            write = w;
        }
        if (cancel) {
            w.cancel();
        }
    }

    synchronized boolean abandoned() {
        return abandoned;
    }

    /** Marks it abandoned, cancels its slow write (outside the lock) and returns the instance made, if any. */
    TraceInstance abandon() {
        ChildWrite w;
        TraceInstance made;
        synchronized (this) {
            abandoned = true;
            w = write;
            made = instance;
        }
        if (w != null) {
            w.cancel();
        }
        return made;
    }
}
