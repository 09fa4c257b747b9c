package io.nstrace.session;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pure parts: names, watcher lines, state records, /proc/PID/stat. */
class SessionPartsTest {
    @Test
    void instanceNamesAreSanitisedAndBounded() {
        assertEquals("web-1", InstanceNames.sanitise("web-1"));
        assertEquals("_._x_y", InstanceNames.sanitise("../x/y"));
        assertEquals("_a_b_c", InstanceNames.sanitise(".a b\nc"));
        assertEquals("container", InstanceNames.sanitise(""));
        assertEquals("k8s_POD_caf_", InstanceNames.sanitise("k8s_POD_café"));
        assertEquals(InstanceNames.MAX_CONTAINER_PART, InstanceNames.sanitise("x".repeat(500)).length());
        String n = InstanceNames.forContainer("../../etc");
        assertTrue(n.matches("nstrace-_\\._\\.\\._etc-" + ProcessHandle.current().pid() + "-[0-9a-f]{8}"), n);
        assertTrue(InstanceNames.forWatcher().startsWith("nstrace-watch-"));
    }

    @Test
    void watcherLinesGiveTheNewPid() {
        assertEquals(OptionalInt.of(5678), WatchLine.newPid("            bash-1234    [001] .....   123.456: "
                + "sched_process_fork: comm=bash pid=1234 child_comm=bash child_pid=5678"));
        assertEquals(OptionalInt.of(456), WatchLine.newPid("  ls-456 [000] d..1. 9.1: sched_process_exec: "
                + "filename=/bin/my pid=9 dir/ls pid=456 old_pid=456"));
        assertEquals(OptionalInt.of(77), WatchLine.newPid("x child_pid=1-3 [0] ....: sched_process_fork: "
                + "comm=child_pid=5 pid=3 child_comm=a child_pid=77\n"));
        assertEquals(OptionalInt.empty(), WatchLine.newPid("CPU:1 [LOST 12 EVENTS]"));
        assertEquals(OptionalLong.of(123_456_789_000L), WatchLine.timestampNanos("  bash-1 [001] ..... 123.456789: "
                + "sched_process_fork: comm=bash pid=1 child_comm=bash child_pid=2"));
        assertTrue(WatchLine.isExec("a-1 [0] ....: sched_process_exec: filename=/x pid=1 old_pid=1"));
        assertFalse(WatchLine.isExec("a-1 [0] ....: sched_process_fork: comm=a pid=1 child_comm=a child_pid=2"));
    }

    @Test
    void ownerRecordsRoundTrip() {
        OwnerRecord r = new OwnerRecord(4242, 987654, "web\nx", "nstrace-web-4242-0a0b0c0d", "/sys/kernel/tracing");
        assertEquals("owner_pid=4242\nowner_start=987654\ncontainer=web x\ninstance=nstrace-web-4242-0a0b0c0d\n"
                + "tracefs=/sys/kernel/tracing\n", r.format());
        assertEquals(new OwnerRecord(4242, 987654, "web x", r.instance(), r.tracefs()), OwnerRecord.parse(r.format()));
    }

    @Test
    void startTimeIsField22EvenWithSpacesAndParensInComm() {
        String stat = "1234 (a) b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 55555 1000 10 18446744073709551615";
        assertEquals(OptionalLong.of(55555), ProcessProbe.parseStartTime(stat));
        assertEquals(OptionalLong.empty(), ProcessProbe.parseStartTime("garbage"));
    }

    @Test
    void watchLinesGiveForkPairsCloneReturnsAndThreadExecs() {
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {3718, 3721}, WatchLine.fork(
                "            bash-3718    [001] .....   777.824624: sched_process_fork: comm=bash pid=3718 "
                        + "child_comm=bash child_pid=3721"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {3718, 42}, WatchLine.cloneReturn(
                "            bash-3718    [001] .N...   777.824629: sys_clone3 -> 0x2a"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {3721, 0}, WatchLine.cloneReturn(
                "     my-comm-x-3721    [000] .....   777.824663: sys_clone -> 0x0"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {3718, -11}, WatchLine.cloneReturn(
                "            bash-3718    [001] .....   777.824700: sys_fork -> 0xfffffffffffffff5"));
        assertEquals(null, WatchLine.cloneReturn("   bash-1 [001] ..... 1.0: sys_read -> 0x5"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {500, 501}, WatchLine.exec(
                "   cat-500 [001] ..... 1.0: sched_process_exec: filename=/bin/cat pid=500 old_pid=501"));
    }
}
