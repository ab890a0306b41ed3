#!/usr/bin/env bash
# What the libraries considered for hand-made parts of the sandbox cost (issue 9): the seccomp program (its length,
# the time to build it, the time the kernel takes to install it in each run) and the ELF reader (the time to find
# an executable's libraries and to plan a toolchain's image). Needs no root.
#   bench/hand-made/run.sh [REV ...]   each a git revision of this repository, or "." for the working tree (default)
# For the numbers in docs/benchmarks.md: bench/hand-made/run.sh be1c080 602f45e .
#   (be1c080: the hand-made BPF assembler; 602f45e: ELFSharp's ELF reader; .: libseccomp and our ELF reader.)
#   RUNS (default 3000): installs per filter.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$repo_root/bench/hand-made"
revisions=("$@")
((${#revisions[@]} > 0)) || revisions=(.)

work=$(mktemp -d /var/tmp/judge-hand-made.XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release -v quiet -nologo "$here/HandMade.Bench.csproj" -o "$work/bench" >/dev/null
cc -O2 -o "$work/install-cost" "$here/install-cost.c"

filters=()
for rev in "${revisions[@]}"; do
    src="$repo_root"
    if [[ "$rev" != . ]]; then
        src="$work/src-$rev"
        mkdir -p "$src"
        git -C "$repo_root" archive "$rev" Sandbox/Judge.Sandbox Directory.Build.props Directory.Packages.props | tar -x -C "$src"
    fi
    out="$work/out-$rev"
    mkdir -p "$out/bpf"
    # Its package dependencies beside it, so that the bench can load this revision's Judge.Sandbox.dll alone.
    dotnet build -c Release -v quiet -nologo -p:CopyLocalLockFileAssemblies=true "$src/Sandbox/Judge.Sandbox/Judge.Sandbox.csproj" -o "$out/bin" >/dev/null
    echo "== $rev ($(git -C "$repo_root" log -1 --format='%h %s' ${rev/#./HEAD} | cut -c1-80))"
    dotnet "$work/bench/HandMade.Bench.dll" "$out/bin" "$out/bpf"
    for f in "$out"/bpf/*.bpf; do
        cp "$f" "$work/${rev//\//_}-$(basename "$f")"
        filters+=("$work/${rev//\//_}-$(basename "$f")")
    done
done
echo "== installing each seccomp program in a fresh child, ${RUNS:-3000} times, interleaved"
(cd "$work" && ./install-cost "${RUNS:-3000}" "${filters[@]##*/}")
