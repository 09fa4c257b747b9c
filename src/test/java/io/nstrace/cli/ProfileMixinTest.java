package io.nstrace.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which of the profile's events -e specs (names, systems, globs) leave out. */
class ProfileMixinTest {
    @Test
    void specsCoverByNameSystemOrGlob() {
        assertEquals(List.of(), ProfileMixin.missing(List.of("sched", "raw_syscalls")));
        assertEquals(List.of(), ProfileMixin.missing(List.of("sched:*", "raw_syscalls:sys_*")));
        assertEquals(List.of("sched:sched_waking", "sched:sched_wakeup_new"), ProfileMixin.missing(
                io.nstrace.session.SessionOptions.DEFAULT_EVENTS));
        assertEquals(List.of("raw_syscalls:sys_enter", "raw_syscalls:sys_exit"),
                ProfileMixin.missing(List.of("sched:sched_*", "syscalls:sys_enter_fsync")));
        assertEquals(List.of("sched:sched_wakeup_new"), ProfileMixin.missing(List.of("sched:sched_s*",
                "sched:sched_waking", "sched:sched_wakeup", "sched:sched_process_*", "raw_syscalls")));
    }
}
