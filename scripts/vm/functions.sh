#!/bin/bash
# Guest side of scripts/test-vm, boot 1 (inside kernel-vm, linux 6.1 without lockdown, as root):
#   ps --json with a bare and a nested PID namespace (scenario ps);
#   record --function -l 'vfs_*' of a bare namespace running a loop, the same loop on the guest's host side,
#   a child forked after attach and a joiner entered with nsenter (scenario function-fence);
#   set_ftrace_pid while tracing and after detach (scenario ftrace-pid).
# Usage: functions.sh RESULTS_DIR NSTRACE_LAUNCHER.  Writes facts to RESULTS_DIR; scripts/test-vm judges them.
set -u
W=$1 NSTRACE=$2
source "$(dirname "$0")/common.sh"
uname -r > $W/uname
cat /proc/sys/kernel/kptr_restrict > $W/kptr_restrict
cat $T/set_ftrace_pid > $W/top_ftrace_pid.before
prepare_binaries
touch /tmp/pause

/tmp/hostloop -c "$(loop_script /tmp/hostcat)" &
echo $! > $W/hostloop.pid
unshare -p -f --mount-proc /tmp/nsloop -c "sleep 100000 & $(loop_script cat)" &
NSINIT=$(child_of $!) || { echo "no namespace init" >&2; exit 1; }
NS=$(ns_inode $NSINIT)
unshare -p -f --mount-proc /tmp/outer -c \
    "unshare -p -f --mount-proc /tmp/inner -c 'exec 3<>$TICK; read -u 3' & exec 3<>$TICK; read -u 3" &
OUTER=$(child_of $!); sleep 0.5
INNER=$(child_of $(child_of $OUTER))
HOSTNS=$(ns_inode $$)
{ echo "nsloop $NSINIT $NS $HOSTNS"
  echo "outer $OUTER $(ns_inode $OUTER) $HOSTNS"
  echo "inner $INNER $(ns_inode $INNER) $(ns_inode $OUTER)"; } > $W/ns.facts

$NSTRACE ps --json > $W/ps.json 2> $W/ps.err
echo $? > $W/ps.rc

$NSTRACE record ns:$NS --function -l 'vfs_*' -e sched:sched_process_fork -e sched:sched_process_exec \
    -b 8192 -o $W/fn.dat > $W/record.out 2> $W/record.err &
RPID=$!
if D=$(wait_tracing 60); then
    echo "$D" > $W/instance
    # loop paused: the namespace holds only nsloop and its sleep, so the lists are stable
    for i in 1 2 3 4 5; do
        numbers $D/set_ftrace_pid > $W/ftrace_pid.during
        numbers $D/set_event_pid > $W/event_pid.during
        ns_tids $NS > $W/ns_tids.during
        cmp -s $W/ftrace_pid.during $W/ns_tids.during && break
        sleep 0.3
    done
    cat $T/set_ftrace_pid > $W/top_ftrace_pid.during
    rm -f /tmp/pause; sleep 2
    touch /tmp/fork
    nsenter -t $NSINIT -p -- /tmp/joinerloop -c \
        "exec 3<>$TICK; for i in {1..40}; do /tmp/joinercat /etc/hostname >/dev/null; read -t 0.1 -u 3; done" &
    JOINER=$(child_of $!)
    echo $JOINER > $W/joiner.pid
    sleep 3
    numbers $D/set_ftrace_pid > $W/ftrace_pid.joiner
else
    echo "no nstrace instance started tracing within 60 s" > $W/instance.err
fi
kill -TERM $RPID # (an & job ignores SIGINT) record stops, writes the trace and detaches
wait $RPID
echo $? > $W/record.rc
ls $T/instances > $W/instances.after
cat $T/set_ftrace_pid > $W/top_ftrace_pid.after
cat $T/current_tracer > $W/top_current_tracer.after
kill %1 %2 %3 2>/dev/null
exit 0
