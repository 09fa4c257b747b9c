#!/bin/bash
# Guest side of scripts/test-vm, boot 2 (inside kernel-vm, linux 6.1 without lockdown, as root):
#   record --function-graph --max-graph-depth 2 of a bare namespace (scenario function-graph): entry/exit
#   pairs, or, where instances lack function_graph, nstrace's refusal with the kernel's evidence;
#   trace-cmd record -p function_graph at the top level, for nstrace report to decode (scenario graph-decode);
#   run --function -l vfs_read -- cat /etc/hostname (scenario run-function), when $3 is 1.
# Usage: graph-run.sh RESULTS_DIR NSTRACE_LAUNCHER HAVE_RUN.  Writes facts to RESULTS_DIR.
set -u
W=$1 NSTRACE=$2 HAVE_RUN=${3:-0}
source "$(dirname "$0")/common.sh"
cat $T/available_tracers > $W/top_tracers
P=$T/instances/nstrace-vm-probe-$$
mkdir $P && cat $P/available_tracers > $W/instance_tracers; rmdir $P
prepare_binaries

unshare -p -f --mount-proc /tmp/nsloop -c "$(loop_script cat)" &
NSINIT=$(child_of $!) || { echo "no namespace init" >&2; exit 1; }
echo $NSINIT > $W/nsinit.pid
$NSTRACE record ns:$(ns_inode $NSINIT) --function-graph --max-graph-depth 2 -l 'vfs_*' -e sched:sched_process_exec \
    -b 8192 -d 6s -o $W/graph.dat > $W/graph.out 2> $W/graph.err
echo $? > $W/graph.rc
ls $T/instances > $W/instances.graph
cat $T/current_tracer > $W/top_current_tracer.graph

# graph events recorded by trace-cmd at the top level (where 6.1 has function_graph): nstrace must decode them
# (500 builtin reads fill pages: trace-cmd leaves a last partial page of a short run in the kernel's buffer)
(cd /tmp && trace-cmd record -q --file-version 6 -p function_graph --max-graph-depth 2 -l vfs_read -F \
    -o $W/tc-graph.dat /tmp/joinerloop -c 'for i in {1..500}; do read x < /etc/hostname; done' \
    > $W/tc-graph.out 2>&1; echo $? > $W/tc-graph.rc)
echo nop > $T/current_tracer

if [ "$HAVE_RUN" = 1 ]; then
    (cd /tmp && $NSTRACE run --function -l vfs_read -o $W/run.dat -- cat /etc/hostname > $W/run.out 2> $W/run.err
     echo $? > $W/run.rc)
    ls $T/instances > $W/instances.run
fi
kill %1 2>/dev/null
exit 0
