#!/usr/bin/env bash
# `make test`: start the private services, run every test project in Judge.sln against them, run
# the sandbox's tests again in a VM with only cgroup v2 (scripts/vm-test.sh), and end with one
# summary line over both. Exits non-zero if anything failed or did not run.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
results_dir="$repo_root/TestResults"

# Every language the worker offers is tested end to end, so its toolchain must be here (minutes, the first time).
scripts/languages.sh
scripts/services.sh start
eval "$(scripts/services.sh env)"

rm -rf "$results_dir"
test_status=0
# A hung test kills its test host after 5 minutes instead of eating the whole CI budget.
# -m:1: one test project at a time. The sandbox tests assert timings (a CPU limit stops a program within
# milliseconds); on two cores, other test projects running beside them would be measured too.
dotnet test Judge.sln -c "${CONFIGURATION:-Debug}" -m:1 \
    --logger "console;verbosity=normal" \
    --logger trx \
    --results-directory "$results_dir" \
    --blame-hang-timeout 5m --blame-hang-dump-type none ||
    test_status=$?

# This host mounts cgroup v1; most hosts that run Judge mount only v2. The VM boots Debian 12's
# kernel with v2 alone and writes TestResults/vm-cgroup2.trx, summed up below with the rest.
# After dotnet test, not beside it: both assert timings on the same two cores.
vm_status=0
scripts/vm-test.sh --no-build || vm_status=$?

# Add up the counters of every test run's .trx file.
total=0 passed=0 failed=0 not_run=0 runs=0
counter() { grep -o "<Counters [^>]*>" "$1" | grep -o " $2=\"[0-9]*\"" | grep -o '[0-9]*'; }
shopt -s nullglob
for trx in "$results_dir"/*.trx; do
    runs=$((runs + 1))
    total=$((total + $(counter "$trx" total)))
    passed=$((passed + $(counter "$trx" passed)))
    failed=$((failed + $(counter "$trx" failed) + $(counter "$trx" error) + $(counter "$trx" timeout) + $(counter "$trx" aborted)))
    not_run=$((not_run + $(counter "$trx" notExecuted)))
done

# CI shows only the end of the output, so the failures are named again here, with the start of each message.
failures() {
    awk '/<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
             match($0, /testName="[^"]*"/); where = FILENAME ~ /\/vm-cgroup2\.trx$/ ? " (in the cgroup v2 VM)" : ""
             print "FAILED " substr($0, RSTART + 10, RLENGTH - 11) where; failed = 1; lines = 0 }
         failed && /<Message>/ { inMessage = 1 }
         inMessage && lines < 12 { print "    " $0; lines++ }
         /<\/Message>/ { inMessage = 0 }
         /<\/UnitTestResult>/ { failed = 0 }' "$@" |
        sed -e 's/<\/*Message>//g' -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
}

echo
trx_files=("$results_dir"/*.trx)
((${#trx_files[@]} == 0)) || failures "${trx_files[@]}"
echo "($total tests in $runs test runs)"
echo "Tests: $passed passed, $failed failed, $not_run skipped"
if ((test_status != 0)); then
    ((failed > 0)) || echo "dotnet test exited with $test_status without a failed test: a build error or a crashed test host; see above"
    exit "$test_status"
fi
if ((vm_status != 0)); then
    ((failed > 0)) || echo "scripts/vm-test.sh exited with $vm_status without a failed test: the VM did not boot or finish; see above"
    exit "$vm_status"
fi
((runs > 0)) || { echo "no test results were written"; exit 1; }
