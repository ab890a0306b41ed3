#!/usr/bin/env bash
# Where parallel sandboxed runs serialise in the kernel: for each kind of namespace a run creates, the rate of
# creating and destroying it (clone with that flag, child exits, wait) in one process, and in as many processes at
# once as there are cores. A kind whose rate does not grow with the processes is one the kernel serialises. The same for
# making and removing a cgroup in each controller hierarchy a run uses (v1) or in the unified one (v2).
#   bench/namespaces/run.sh   (RUNS per process, default 2000)
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${RUNS:-2000}" lanes=$(nproc)
work=$(mktemp -d /var/tmp/judge-ns-loop.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/ns-loop" "$repo_root/bench/namespaces/ns-loop.c"

# Runs per second of $1 processes at once, each creating the namespaces in the remaining arguments $runs times.
rate() {
    local n=$1; shift
    local start end
    start=$(date +%s.%N)
    for _ in $(seq "$n"); do "$work/ns-loop" "$runs" "$@" & done
    wait
    end=$(date +%s.%N)
    awk -v n="$n" -v r="$runs" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n * r / (e - s) }'
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg); $runs per process; $lanes cores"
printf '%-34s %12s %14s %8s\n' "namespaces" "1 process/s" "$lanes at once/s" "gain"
for kinds in "" "user" "user pid" "user mount" "user net" "user ipc" "user uts" "user cgroup" "user pid mount net ipc uts cgroup"; do
    # shellcheck disable=SC2086 # the kinds are separate arguments
    one=$(rate 1 $kinds); many=$(rate "$lanes" $kinds)
    printf '%-34s %12s %14s %8s\n' "${kinds:-(plain fork)}" "$one" "$many" "$(awk -v a="$many" -v b="$one" 'BEGIN { printf "%.2f x", a / b }')"
done
for hierarchy in memory cpu cpuacct pids blkio unified; do
    [[ -d /sys/fs/cgroup/$hierarchy ]] || continue
    [[ $hierarchy != unified || ! -d /sys/fs/cgroup/memory ]] || continue # v1 hosts: their runs use the controllers above
    one=$(rate 1 "dir=/sys/fs/cgroup/$hierarchy/judge-ns-loop"); many=$(rate "$lanes" "dir=/sys/fs/cgroup/$hierarchy/judge-ns-loop")
    printf '%-34s %12s %14s %8s\n' "cgroup mkdir+rmdir: $hierarchy" "$one" "$many" "$(awk -v a="$many" -v b="$one" 'BEGIN { printf "%.2f x", a / b }')"
done
