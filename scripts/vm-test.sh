#!/usr/bin/env bash
# `make test-vm`, and the last step of `make test`: the sandbox's tests on Debian 12's stock kernel
# with only cgroup v2 mounted, in a QEMU virtual machine. The host we develop on mounts cgroup v1;
# most hosts that would run Judge mount v2 alone, and this is where that path meets a real kernel.
#
#   scripts/vm-test.sh             build the test projects, then boot the VM and run their tests
#   scripts/vm-test.sh --no-build  use what `dotnet test Judge.sln` just built (scripts/test.sh)
#
# The VM (scripts/vm/init, then scripts/vm/guest-tests.sh) sees the host's / read-only over 9p
# under a tmpfs overlay, so it runs the SDK, gcc and test assemblies the host already has; a small
# ext4 disk at /var/tmp gives io.max a real block device to throttle. The results come back as
# TestResults/vm-cgroup2.trx, which scripts/test.sh adds to its summary.
# Exits non-zero when a test failed in the VM or the VM did not finish.
#
# Settings (environment): JUDGE_VM_MEMORY_MIB (default 3072), JUDGE_VM_TIMEOUT_S (default 1200),
# JUDGE_VM_ACCEL (default tcg: software emulation; kvm where /dev/kvm works), CONFIGURATION, and
# JUDGE_TEST_PROGRAM_CACHE (set by the Makefile: test programs compiled once, on the host).
set -euo pipefail
# modinfo and mkfs.ext4 live in sbin, which an ordinary user's PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vm_dir="$repo_root/artifacts/vm-cgroup2"
job_dir="$vm_dir/job"
results_dir="$repo_root/TestResults"
configuration="${CONFIGURATION:-Debug}"
memory_mib="${JUDGE_VM_MEMORY_MIB:-3072}"
timeout_s="${JUDGE_VM_TIMEOUT_S:-1200}"
accel="${JUDGE_VM_ACCEL:-tcg}"
test_projects=(Sandbox.Tests Security.Tests)

say() { printf 'vm-test: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# The newest Debian 12 kernel in /boot (linux-image-amd64 pulls in whichever 6.1 build is current).
stock_kernel() {
    local kernels=()
    shopt -s nullglob
    kernels=(/boot/vmlinuz-6.1.*)
    shopt -u nullglob
    ((${#kernels[@]} > 0)) || return 1
    printf '%s\n' "${kernels[@]}" | sort -V | tail -n 1
}

# ---------------------------------------------------------------------------------------------
# Packages, installed the way scripts/services.sh installs PostgreSQL's

install_missing_packages() {
    local missing=()
    command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
    stock_kernel >/dev/null || missing+=(linux-image-amd64)
    # The initramfs holds nothing but busybox, so it must be the static build.
    [[ "$(dpkg-query -W -f='${db:Status-Status}' busybox-static 2>/dev/null)" == installed ]] || missing+=(busybox-static)
    command -v cpio >/dev/null || missing+=(cpio)
    command -v mkfs.ext4 >/dev/null || missing+=(e2fsprogs)
    ((${#missing[@]} == 0)) && return 0

    is_root || die "missing packages: ${missing[*]}. Install them with: sudo apt-get install --no-install-recommends ${missing[*]}"
    command -v apt-get >/dev/null || die "missing packages: ${missing[*]}, and apt-get is not available"
    say "installing ${missing[*]} with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -q ||
        die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" ||
        die "apt-get failed installing ${missing[*]}"
}

# ---------------------------------------------------------------------------------------------
# What the VM boots

# Appends MODULE to the load order after the modules it depends on (modinfo's "depends" field).
add_module() {
    local module="$1" depends dependency
    local -a dependencies
    depends="$(modinfo -k "$kernel_version" -F depends "$module")"
    IFS=, read -r -a dependencies <<<"$depends"
    for dependency in "${dependencies[@]}"; do
        [[ -n "$dependency" ]] && add_module "$dependency"
    done
    local loaded
    for loaded in "${module_order[@]}"; do
        [[ "$loaded" == "$module" ]] && return 0
    done
    module_order+=("$module")
}

# busybox, scripts/vm/init, and the modules init needs to reach the host's files: the stock
# kernel builds virtio-pci, 9p and overlayfs as modules. Everything else loads later, from the
# host's /lib/modules, with the host's modprobe.
make_initramfs() {
    local tree="$vm_dir/initramfs"
    rm -rf "$tree"
    mkdir -p "$tree/bin" "$tree/modules" "$tree/proc" "$tree/sys" "$tree/dev"
    cp /bin/busybox "$tree/bin/busybox"
    cp "$repo_root/scripts/vm/init" "$tree/init"
    chmod 755 "$tree/init"

    module_order=()
    local module file
    for module in virtio_pci 9pnet_virtio 9p overlay; do
        add_module "$module"
    done
    : >"$tree/modules/load-order"
    for module in "${module_order[@]}"; do
        file="$(modinfo -k "$kernel_version" -F filename "$module")"
        [[ "$file" == *.ko ]] || die "$file: busybox's insmod needs an uncompressed module"
        cp "$file" "$tree/modules/"
        printf '%s\n' "$(basename "$file")" >>"$tree/modules/load-order"
    done

    (cd "$tree" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$vm_dir/initrd.gz"
}

# A fresh ext4 disk for /var/tmp in the guest: the block device that io.max throttles.
make_disk() {
    rm -f "$vm_dir/disk.img"
    truncate -s 1G "$vm_dir/disk.img"
    mkfs.ext4 -q -F "$vm_dir/disk.img"
}

# The guest reads its parameters from files in the job directory, one value per file.
make_job() {
    rm -rf "$job_dir"
    mkdir -p "$job_dir/out"
    printf '%s\n' "$repo_root" >"$job_dir/repo"
    printf '%s\n' "$configuration" >"$job_dir/configuration"
    if [[ -n "${JUDGE_TEST_PROGRAM_CACHE:-}" ]]; then
        printf '%s\n' "$(realpath -m "$JUDGE_TEST_PROGRAM_CACHE")" >"$job_dir/program-cache"
    fi
}

# ---------------------------------------------------------------------------------------------

build=true
case "${1:-}" in
    "") ;;
    --no-build) build=false ;;
    *) die "usage: scripts/vm-test.sh [--no-build]" ;;
esac

# QEMU's option syntax takes commas as separators; the job directory is inside the checkout.
[[ "$repo_root" != *,* ]] || die "the checkout's path has a comma, which QEMU's -virtfs cannot take: $repo_root"

install_missing_packages
kernel="$(stock_kernel)" || die "no /boot/vmlinuz-6.1.* after installing linux-image-amd64"
kernel_version="${kernel#/boot/vmlinuz-}"

if [[ "$build" == true ]]; then
    for project in "${test_projects[@]}"; do
        dotnet build "$repo_root/tests/$project" -c "$configuration" -v quiet -nologo
    done
fi
for project in "${test_projects[@]}"; do
    [[ -f "$repo_root/tests/$project/bin/$configuration/net10.0/$project.dll" ]] ||
        die "tests/$project is not built ($configuration); run without --no-build"
done

mkdir -p "$vm_dir"
make_initramfs
make_disk
make_job

say "booting $kernel ($accel, ${memory_mib} MiB, 2 CPUs); the guest's console follows"
qemu_args=(
    -accel "$accel" -cpu max -smp 2 -m "$memory_mib"
    -nographic -no-reboot -nic none
    -kernel "$kernel" -initrd "$vm_dir/initrd.gz"
    -append "console=ttyS0 quiet panic=-1"
    -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
    -virtfs "local,path=$job_dir,mount_tag=job,security_model=none"
    -drive "file=$vm_dir/disk.img,if=virtio,format=raw,cache=unsafe"
)
start_s=$SECONDS
qemu_status=0
# The console carries the firmware's terminal resets and the test logger's colours: drop escape
# sequences and carriage returns, so that neither clears nor garbles the terminal or the log.
timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 "${qemu_args[@]}" </dev/null 2>&1 |
    sed -u -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1b[a-zA-Z]//g' -e 's/\r//g' |
    tee "$vm_dir/console.log" || qemu_status=$?
say "the VM ran for $((SECONDS - start_s)) s"

rm -f "$results_dir/vm-cgroup2.trx"
if [[ -f "$job_dir/out/vm-cgroup2.trx" ]]; then
    mkdir -p "$results_dir"
    cp "$job_dir/out/vm-cgroup2.trx" "$results_dir/"
fi

((qemu_status != 124)) || die "the VM did not finish within $timeout_s s (JUDGE_VM_TIMEOUT_S); its console is in $vm_dir/console.log"
((qemu_status == 0)) || die "qemu-system-x86_64 exited with $qemu_status; the console is in $vm_dir/console.log"
[[ -f "$job_dir/out/status" ]] || die "the guest stopped before it reported a status; its console is in $vm_dir/console.log"
read -r guest_status <"$job_dir/out/status"
[[ "$guest_status" == 0 ]] || die "tests failed in the VM (status $guest_status); see above, or $vm_dir/console.log"
say "all tests passed in the VM (Debian's $kernel_version, cgroup v2)"
