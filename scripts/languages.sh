#!/usr/bin/env bash
# `make languages`: installs, with apt-get, the Debian packages of every language the Worker offers
# (Worker/Languages/LanguageCatalog*.cs; the table is docs/languages.md). What is installed already is
# left alone, so a second run costs a dpkg query. deploy/Dockerfile.worker installs the same list.
# Measured on Debian 12 (docs/languages.md): about 570 MB downloaded, 3.4 GB on disk, 3.5 minutes.
set -euo pipefail

# The base languages (C, C++, Python, Java, JavaScript, Pascal, Bash, Perl; Rust comes from rustup)
# and those Judge0 CE also offers that Debian packages.
packages=(
    gcc g++ libc6-dev python3 default-jdk-headless nodejs fp-compiler perl
    golang-go ruby php-cli lua5.4 clang gfortran gdc gobjc sqlite3 ocaml-nox gnucobol3 ghc sbcl node-typescript gprolog mono-mcs r-base-core kotlin
    scala groovy clojure nasm octave erlang-base elixir
)

say() { echo "languages.sh: $*"; }

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
    say "every language's packages are installed"
    exit 0
fi

if ((EUID != 0)); then
    say "missing packages: ${missing[*]}. Install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
fi
say "installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
