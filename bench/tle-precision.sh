#!/usr/bin/env bash
# How far past the CPU limit a busy loop gets before the sandbox stops it (the "TLE precision" of
# LimitTests.Cpu_loop_is_stopped_within_25_ms_of_the_cpu_limit_in_the_median_of_five_runs), idle and with two CPU burners beside
# it. Prints the overshoot distribution of each. Needs root and a built CLI (`make build`).
#   RUNS (default 30), LIMIT_S (default 0.5)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="$repo_root/Sandbox/Judge.Sandbox.Cli/bin/${CONFIGURATION:-Debug}/net10.0/judge-sandbox"
runs="${RUNS:-30}" limit_s="${LIMIT_S:-0.5}"
limit_ms=$(awk -v s="$limit_s" 'BEGIN { printf "%d", s * 1000 }')

# Not under /tmp: the CLI builds the program's image from host paths, and the sandbox has its own /tmp.
work=$(mktemp -d /var/tmp/judge-tle-precision.XXXXXX)
burners=()
cleanup() { ((${#burners[@]} == 0)) || kill "${burners[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
printf 'int main(void) { volatile unsigned long n = 0; for (;;) n++; }\n' > "$work/spin.c"
cc -O2 -static -o "$work/spin" "$work/spin.c"

measure() {
    local overshoots=()
    for _ in $(seq "$runs"); do
        "$cli" run --quiet --time "$limit_s" --wall-time 60 --result "$work/result.json" -- "$work/spin" >/dev/null 2>&1 || true
        local cpu
        cpu=$(grep -o '"cpuTimeMs": *[0-9]*' "$work/result.json" | grep -o '[0-9]*$')
        overshoots+=($((cpu - limit_ms)))
    done
    printf '%s\n' "${overshoots[@]}" | sort -n |
        awk -v label="$1" '{ v[NR] = $1 } END { printf "%-22s overshoot ms: min %d, median %d, p90 %d, max %d (%d runs)\n", label, v[1], v[int((NR + 1) / 2)], v[int(NR * 0.9)], v[NR], NR }'
}

measure "idle"
for _ in 1 2; do ( while :; do :; done ) & burners+=($!); done
measure "two CPU burners"
