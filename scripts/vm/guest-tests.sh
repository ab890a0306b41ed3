#!/bin/bash
# Stage 2 of the test VM (scripts/vm-test.sh): PID 1 of the guest once scripts/vm/init has switched
# to the overlay of the host's files. It sets the guest up the way a systemd host with only cgroup
# v2 would be, runs the test projects' kernel-facing tests, writes their .trx files and one exit
# status to the job directory (/judge-vm/out), and powers the VM off.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# The job directory (9p, writable), filled by the host: one value per file.
job=/judge-vm

# systemd's names, as a worker unit with Delegate=yes would get them: the unit's cgroup is handed
# to the worker, which keeps its own processes in a leaf (what DelegateSubgroup= does on systemd
# 254+) so that it may enable controllers for the run cgroups it creates beside that leaf.
cgroup=/sys/fs/cgroup
slice="$cgroup/judge.slice"
service="$slice/judge-worker.service"
delegated="${service#"$cgroup/"}"
controllers="+cpu +io +memory +pids"

status=1
power_off() {
    echo "$status" >"$job/out/status"
    sync
    echo o >/proc/sysrq-trigger
    # Powering off takes a moment, and PID 1 must not exit meanwhile; nothing outside bash may run
    # now that the disks are going away.
    while :; do :; done
}
trap power_off EXIT

say() { printf 'vm guest: %s\n' "$*"; }

# The checkout is at the same path as on the host.
read -r repo <"$job/repo"
read -r configuration <"$job/configuration"

mount -t tmpfs -o mode=755 tmpfs /run
echo judge-vm-cgroup2 >/proc/sys/kernel/hostname
# vstest talks to its test host over TCP on loopback.
ip link set lo up

# Only cgroup2, with systemd's mount options; no v1 hierarchy exists in this guest.
mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 "$cgroup"
echo "$controllers" >"$cgroup/cgroup.subtree_control"
mkdir "$slice" "$service"
echo "$controllers" >"$slice/cgroup.subtree_control"
echo $$ >"$service/cgroup.procs"
mkdir "$service/worker"
echo $$ >"$service/worker/cgroup.procs"
say "running in cgroup $(cut -d: -f3 /proc/self/cgroup); $delegated has: $(cat "$service/cgroup.controllers")"

# The disk: /var/tmp holds the tests' files and the sandbox's images, on a real block device.
modprobe -a virtio_blk ext4 dummy
for _ in $(seq 100); do
    [[ -b /dev/vda ]] && break
    sleep 0.1
done
mount -t ext4 /dev/vda /var/tmp
chmod 1777 /var/tmp
# The network tests compare the sandbox's interfaces with the host's, which must have one besides
# loopback for the comparison to show anything.
ip link add judge0 type dummy
ip link set judge0 up

export HOME=/root TERM=dumb LANG=C.UTF-8
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Read by tests/Shared/TestCgroups.cs: the tests put their cgroups in the delegated subtree, and
# assert that they ran on v2 rather than whatever they found.
export JUDGE_TEST_CGROUP_ROOT="$delegated"
export JUDGE_EXPECT_CGROUP=v2
# vstest's default (90 s) is too short for its test host to start under emulation.
export VSTEST_CONNECTION_TIMEOUT=600
# Test programs the host's test run compiled already (tests/Shared/HostPrograms.cs).
if [[ -f "$job/program-cache" ]]; then
    read -r JUDGE_TEST_PROGRAM_CACHE <"$job/program-cache"
    export JUDGE_TEST_PROGRAM_CACHE
fi

# For the log; CliTests.Check_prints_one_line_per_item_and_exits_0_on_this_host asserts its status.
say "judge-sandbox check:"
dotnet "$repo/Sandbox/Judge.Sandbox.Cli/bin/$configuration/net10.0/judge-sandbox.dll" check || true

# The tests that exercise the kernel's cgroups and namespaces: every sandbox run, the cgroup driver
# and host check against the real hierarchy, and the attacks on the limits. The rest (argument
# parsing, ELF reading, seccomp assembly, drivers over a fake cgroupfs, the other attacks) runs on
# the host alone: under emulation it would take longer than all of these together.
filter="FullyQualifiedName~Judge.Sandbox.Tests.Runs."
filter+="|FullyQualifiedName~Judge.Sandbox.Tests.Cgroups.HostCgroupDriverTests."
filter+="|FullyQualifiedName~Judge.Sandbox.Tests.Cli.HostCheckTests."
filter+="|FullyQualifiedName~Judge.Sandbox.Tests.Cli.CliTests.Check_"
filter+="|FullyQualifiedName~Judge.Security.Tests.Attacks.ResourceAttackTests."
failed=0
# One vstest run for both projects: its start-up alone takes tens of seconds here. Piped, so that
# the logger sees no terminal and writes no colours.
dotnet test \
    "$repo/tests/Sandbox.Tests/bin/$configuration/net10.0/Sandbox.Tests.dll" \
    "$repo/tests/Security.Tests/bin/$configuration/net10.0/Security.Tests.dll" \
    --filter "$filter" \
    --logger "console;verbosity=normal" \
    --logger "trx;LogFileName=vm-cgroup2.trx" \
    --results-directory "$job/out" \
    --blame-hang-timeout 5m --blame-hang-dump-type none \
    -- RunConfiguration.MaxCpuCount=1 | cat ||
    failed=1

# Every test cleans up after itself; this catches what one leaked, whichever it was.
leftover="$(find "$service" -mindepth 2 -type d)"
if [[ -n "$leftover" ]]; then
    say "cgroups left behind under the tests' parents:"
    printf '%s\n' "$leftover"
    failed=1
fi

status=$failed
