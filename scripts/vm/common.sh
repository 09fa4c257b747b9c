# Sourced by the guest scenario scripts (they run inside kernel-vm as root): shared helpers.
# Facts go to files in $W (the -w directory); scripts/test-vm judges them on the host.
T=/sys/kernel/tracing
# the host's nstrace state files are visible (read-only) in the guest: keep the guest's own
export NSTRACE_STATE_DIR=/tmp/nstrace-vm-state
TICK=/tmp/nstrace-vm-tick

# Distinct binaries, so the trace names who did what: copies of bash and cat under telling names.
prepare_binaries() {
    local b
    for b in nsloop hostloop joinerloop outer inner; do cp /bin/bash /tmp/$b; done
    for b in hostcat forkchild joinercat; do cp /bin/cat /tmp/$b; done
    rm -f $TICK; mkfifo $TICK
}

# The loop both sides run: a cat every ~0.1 s, no other forks (read -t on a FIFO sleeps without a child).
# /tmp/pause stops the cats; /tmp/fork1, /tmp/fork2, ... each make the loop fork /tmp/forkchild once
# (one per traced recording: a child forked after attach).
loop_script() { # $1 = the cat binary
    echo "exec 3<>$TICK; n=1; while :; do [ -e /tmp/pause ] || $1 /etc/hostname >/dev/null
      if [ -e /tmp/fork\$n ]; then n=\$((n + 1)); /tmp/forkchild /etc/hostname /etc/hostname >/dev/null; fi
      read -t 0.1 -u 3; done"
}

# The PID namespace inode of a process: pid:[4026532176] -> 4026532176
ns_inode() { readlink /proc/$1/ns/pid | tr -dc 0-9; }

# The first child of $1, waiting up to 5 s for it.
child_of() {
    local i c
    for i in $(seq 50); do
        c=$(pgrep -P "$1" | head -n 1)
        [ -n "$c" ] && { echo "$c"; return 0; }
        sleep 0.1
    done
    return 1
}

# Every TID whose PID namespace inode is $1, sorted (one stat for all: forks are slow under emulation).
ns_tids() {
    stat -L -c '%i %n' /proc/[0-9]*/task/[0-9]*/ns/pid 2>/dev/null |
        awk -v ns="$1" '$1 == ns { split($2, p, "/"); print p[5] }' | sort -n
}

# The nstrace instance once it traces (current_tracer $2, default function; tracing_on 1); waits up to $1 s.
wait_tracing() {
    local i d
    for i in $(seq $(($1 * 5))); do
        for d in $T/instances/nstrace-*; do
            [ -d "$d" ] && [ "$(cat $d/current_tracer)" = "${2:-function}" ] && [ "$(cat $d/tracing_on)" = 1 ] \
                && { echo "$d"; return 0; }
        done
        sleep 0.2
    done
    return 1
}

# A file's numbers one a line, sorted ("no pid" and blanks dropped).
numbers() { tr -s ' \n' '\n\n' < "$1" | grep -E '^[0-9]+$' | sort -n; }
