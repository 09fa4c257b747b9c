#!/bin/bash
# Guest side of scripts/test-vm: every scenario of one kernel in one boot (inside kernel-vm, as root, no lockdown).
# What runs depends on what this kernel's tracefs offers (read from its files, never from the version):
#   kernel facts: available_tracers (top, instance), the instance's sub-buffer file, funcgraph options, depth file;
#   ps --json with a bare and a nested PID namespace (scenario ps-json);
#   record --function -l 'vfs_*' of a bare namespace running a loop, the same loop on the guest's host side, a
#   child forked after attach and an nsenter joiner (function-fence), set_ftrace_pid while tracing and after
#   detach (set-ftrace-pid);
#   where instances offer function_graph: the same fence with --function-graph -l vfs_read --graph-opt noirqs
#   (graph-fence) and the refusal of --max-graph-depth, which only the top level has (graph-depth); elsewhere the
#   refusal of --function-graph (graph-fence);
#   where instances lack function_graph: trace-cmd record -p function_graph at the top level, for nstrace report
#   to decode (graph-decode);
#   run --function -l vfs_read -- cat /etc/hostname (run-function), when $3 is 1;
#   where instances have buffer_subbuf_size_kb the function-fence recording uses --subbuf-kb 8 (subbuf judges its
#   file), elsewhere the refusal of --subbuf-kb (subbuf).
# Usage: scenarios.sh RESULTS_DIR NSTRACE_LAUNCHER HAVE_RUN.  Writes facts to RESULTS_DIR; scripts/test-vm judges.
set -u
W=$1 NSTRACE=$2 HAVE_RUN=${3:-0}
source "$(dirname "$0")/common.sh"
mark() { echo "$1 $(cut -d' ' -f1 /proc/uptime)" >> $W/marks; } # when each scenario began (guest uptime)

# --- kernel facts --------------------------------------------------------------------------------------------
uname -r > $W/uname
cat /proc/sys/kernel/kptr_restrict > $W/kptr_restrict
cat /sys/kernel/security/lockdown > $W/lockdown 2>/dev/null || echo "no lockdown file" > $W/lockdown
cat $T/available_tracers > $W/top_tracers
cat $T/set_ftrace_pid > $W/top_ftrace_pid.before
P=$T/instances/nstrace-vm-probe-$$
mkdir $P
cat $P/available_tracers > $W/instance_tracers
ls $P/options | grep '^funcgraph-' | tr '\n' ' ' > $W/instance_graph_options
for f in buffer_subbuf_size_kb max_graph_depth; do
    [ -e $P/$f ] && echo yes > $W/instance_has.$f || echo no > $W/instance_has.$f
    [ -e $T/$f ] && echo yes > $W/top_has.$f || echo no > $W/top_has.$f
done
rmdir $P
GRAPH=0
grep -qw function_graph $W/instance_tracers && GRAPH=1
SUBBUF=0
[ "$(cat $W/instance_has.buffer_subbuf_size_kb)" = yes ] && SUBBUF=1

prepare_binaries
touch /tmp/pause

# --- namespaces --------------------------------------------------------------------------------------------
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

mark ps-json
$NSTRACE ps --json > $W/ps.json 2> $W/ps.err
echo $? > $W/ps.rc
kill %3 2>/dev/null # the nested namespaces were for ps only

# fence P TRACER N FLAGS...: records the namespace with FLAGS while the loop runs (paused at first, so the PID
# lists can be compared), makes it fork its N-th child and lets an nsenter joiner in; facts prefixed P.
fence() {
    local p=$1 tracer=$2 n=$3 d i rpid joiner jpid=; shift 3
    touch /tmp/pause
    $NSTRACE record ns:$NS "$@" -o $W/$p.dat > $W/$p.out 2> $W/$p.err &
    rpid=$!
    if d=$(wait_tracing 60 $tracer); then
        for i in 1 2 3 4 5; do # loop paused: the namespace holds only nsloop and its sleep, so the lists are stable
            numbers $d/set_ftrace_pid > $W/$p.ftrace_pid.during
            numbers $d/set_event_pid > $W/$p.event_pid.during
            ns_tids $NS > $W/$p.ns_tids.during
            cmp -s $W/$p.ftrace_pid.during $W/$p.ns_tids.during && break
            sleep 0.3
        done
        cat $T/set_ftrace_pid > $W/$p.top_ftrace_pid.during
        for f in $d/options/funcgraph-*; do [ -e "$f" ] && echo "${f##*/} $(cat $f)"; done > $W/$p.graph_options.during
        rm -f /tmp/pause; sleep 2
        touch /tmp/fork$n
        nsenter -t $NSINIT -p -- /tmp/joinerloop -c \
            "exec 3<>$TICK; for i in {1..30}; do /tmp/joinercat /etc/hostname >/dev/null; read -t 0.1 -u 3; done" &
        jpid=$!
        joiner=$(child_of $jpid)
        echo $joiner > $W/$p.joiner.pid
        sleep 3
        numbers $d/set_ftrace_pid > $W/$p.ftrace_pid.joiner
    else
        echo "no nstrace instance started tracing ($tracer) within 60 s" > $W/$p.instance.err
    fi
    kill -TERM $rpid # (an & job ignores SIGINT) record stops, writes the trace and detaches
    wait $rpid
    echo $? > $W/$p.rc
    ls $T/instances > $W/$p.instances.after
    cat $T/set_ftrace_pid > $W/$p.top_ftrace_pid.after
    cat $T/current_tracer > $W/$p.top_current_tracer.after
    [ -z "$jpid" ] || wait $jpid # the joiner
}

# where instances have buffer_subbuf_size_kb this recording also proves 8 KiB sub-buffers (scenario subbuf): one
# JVM start less, which costs more under emulation than all the tracing
mark function-fence
SB=(); [ $SUBBUF = 1 ] && SB=(--subbuf-kb 8)
fence fn function 1 --function -l 'vfs_*' -e sched:sched_process_fork -e sched:sched_process_exec -b 8192 "${SB[@]}"

mark graph-fence
if [ $GRAPH = 1 ]; then
    fence graph function_graph 2 --function-graph -l vfs_read --graph-opt noirqs -e sched:sched_process_exec -b 8192
    mark graph-depth
    $NSTRACE record ns:$NS --function-graph --max-graph-depth 2 -l vfs_read -d 1s -o $W/depth.dat \
        > $W/depth.out 2> $W/depth.err
    echo $? > $W/depth.rc
    ls $T/instances > $W/depth.instances
else
    $NSTRACE record ns:$NS --function-graph -l vfs_read -d 1s -o $W/graph.dat > $W/graph.out 2> $W/graph.err
    echo $? > $W/graph.rc
    ls $T/instances > $W/graph.instances.after
fi
cat $T/current_tracer > $W/top_current_tracer.graph

# where nstrace cannot record graph events itself: graph events recorded by trace-cmd at the top level, for nstrace
# report to decode (500 builtin reads fill pages: trace-cmd leaves a last partial page of a short run in the
# kernel's buffer); where it can, graph-fence already holds nstrace's own graph events read by both
if [ $GRAPH = 0 ]; then
    mark graph-decode
    (cd /tmp && trace-cmd record -q --file-version 6 -p function_graph --max-graph-depth 2 -l vfs_read -F \
        -o $W/tc-graph.dat /tmp/joinerloop -c 'for i in {1..500}; do read x < /etc/hostname; done' \
        > $W/tc-graph.out 2>&1; echo $? > $W/tc-graph.rc)
    echo nop > $T/current_tracer
fi

if [ "$HAVE_RUN" = 1 ]; then
    mark run-function
    (cd /tmp && $NSTRACE run --function -l vfs_read -o $W/run.dat -- cat /etc/hostname > $W/run.out 2> $W/run.err
     echo $? > $W/run.rc)
    ls $T/instances > $W/instances.run
fi

if [ $SUBBUF = 0 ]; then
    mark subbuf
    $NSTRACE record ns:$NS --subbuf-kb 8 -e sched:sched_switch -d 1s -o $W/subbuf.dat > $W/subbuf.out 2> $W/subbuf.err
    echo $? > $W/subbuf.rc
    ls $T/instances > $W/subbuf.instances
fi
mark end
kill %1 %2 2>/dev/null
exit 0
