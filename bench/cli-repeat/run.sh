#!/usr/bin/env bash
# The cost of one sandboxed run as a user of the CLI sees it: `judge-sandbox run --repeat N+1` minus `--repeat 1`,
# divided by N, against a C loop that posix_spawns and waits for the same static program N times. Rounds alternate
# the cases so that machine noise hits them alike. Wall time and CPU time (the CLI, init, the program: everything
# its process tree used) per run, and each case's ratio to the C loop in the same round.
#   bench/cli-repeat/run.sh [CLI ...]   (default: this checkout's Release CLI; give two to compare builds)
#   RUNS (default 300), ROUNDS (default 3)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${RUNS:-300}" rounds="${ROUNDS:-3}"
clis=("$@")
((${#clis[@]} > 0)) || clis=("$repo_root/Sandbox/Judge.Sandbox.Cli/bin/Release/net10.0/judge-sandbox")
limits=(--time 1 --wall-time 5 --memory 64M --processes 16 --output-limit 1M --quiet)

# Not under /tmp: the sandbox has a /tmp of its own.
work=$(mktemp -d /var/tmp/judge-cli-repeat.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/spawn-loop" "$repo_root/bench/cli-repeat/spawn-loop.c"
printf 'int main(void) { return 0; }\n' > "$work/true.c"
cc -O2 -static -o "$work/true" "$work/true.c"

# "wall user sys" in seconds of one command's whole process tree.
measure() { /usr/bin/time -f "%e %U %S" "$@" 2>&1 >/dev/null | tail -n 1; }
# Per-run wall and CPU in ms from the measurements of 1 and of runs+1 repetitions.
per_run() { awk -v n="$runs" -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ");
    printf "%.3f %.3f", (y[1] - x[1]) * 1000 / n, (y[2] + y[3] - x[2] - x[3]) * 1000 / n }'; }

echo "$(date -u '+%Y-%m-%d %H:%M UTC'); uptime:$(uptime); $runs runs per case and round"
for round in $(seq "$rounds"); do
    read -r loop_wall loop_cpu <<< "$(per_run "$(measure "$work/spawn-loop" 0 "$work/true")" "$(measure "$work/spawn-loop" "$runs" "$work/true")")"
    printf 'round %d  %-70s wall %6.3f ms  cpu %6.3f ms\n' "$round" "C posix_spawn loop" "$loop_wall" "$loop_cpu"
    for cli in "${clis[@]}"; do
        read -r wall cpu <<< "$(per_run "$(measure "$cli" run "${limits[@]}" --repeat 1 -- "$work/true")" \
                                        "$(measure "$cli" run "${limits[@]}" --repeat $((runs + 1)) -- "$work/true")")"
        printf 'round %d  %-70s wall %6.3f ms  cpu %6.3f ms  (%.2f x the C loop)\n' "$round" "$cli" "$wall" "$cpu" \
            "$(awk -v a="$wall" -v b="$loop_wall" 'BEGIN { print a / b }')"
    done
done
