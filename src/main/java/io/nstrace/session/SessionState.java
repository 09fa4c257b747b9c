package io.nstrace.session;

/** A session's life: ATTACHED → RUNNING ⇄ STOPPED → DETACHED; ENDED when its container exits first. */
public enum SessionState {
    /** Instance configured, tracing off. */
    ATTACHED,
    /** tracing_on 1. */
    RUNNING,
    /** tracing_on 0 after running; the buffer holds the data. */
    STOPPED,
    /** The container exited: tracing off, the instance (and its data) kept until detach. */
    ENDED,
    /** Instance and state file removed. */
    DETACHED
}
