package io.nstrace.session;

import io.nstrace.discovery.ProcessInfo;

import java.util.List;

/**
 * What the capture layer learns from a session. Called from the session's or the watcher's thread; every
 * method has a no-op default. Implementations must be quick and must not call back into the session's
 * lifecycle methods from {@link #pidsAdded}.
 */
public interface SessionListener {
    SessionListener NONE = new SessionListener() {
    };

    /** tracing_on went to 1. */
    default void started(FencedInstance session) {
    }

    /** About to write tracing_on 0 (the recorder may drain the buffer after this). */
    default void stopping(FencedInstance session) {
    }

    /** Processes (host TIDs with their NSpid chain and comm) were added to the PID fence. */
    default void pidsAdded(FencedInstance session, List<ProcessInfo> processes) {
    }

    /**
     * The session is being detached: tracing is off and its instance is about to be removed, so whatever holds
     * the instance's files must let go now (rmdir fails while a reader has one open). Also called from the
     * shutdown hook (a signal that ended the process before the command detached), so it must not take locks
     * another thread may hold.
     */
    default void detaching(FencedInstance session) {
    }

    /** The container's last process exited; the session is ENDED and its instance kept until detach. */
    default void containerExited(FencedInstance session) {
    }
}
