#!/usr/bin/env bash
# `make bench`: build Release, then the sandbox benchmark (a full sandboxed run against posix_spawn and
# bwrap) and the pipeline benchmark (submissions through Api, RabbitMQ, Worker and PostgreSQL against the
# sandbox alone). Needs root (the sandbox) and starts the private PostgreSQL and RabbitMQ if they are not up.
#   SANDBOX_BATCHES (default 20), SANDBOX_BATCH_RUNS (default 50), PIPELINE_SUBMISSIONS (default 1500), PIPELINE_IN_FLIGHT (default 8), PIPELINE_ROUNDS (default 5),
#   PIPELINE_WARMUP (default 2500), TESTDATA_MEBIBYTES (default 100), TESTDATA_FILES (default 5)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

dotnet build bench/Sandbox.Bench/Sandbox.Bench.csproj -c Release
dotnet build Sandbox/Judge.Sandbox.Cli/Judge.Sandbox.Cli.csproj -c Release
dotnet build bench/Pipeline.Bench/Pipeline.Bench.csproj -c Release
dotnet build bench/TestData.Bench/TestData.Bench.csproj -c Release

scripts/services.sh start
eval "$(scripts/services.sh env)"

echo
echo "== Sandbox.Bench ($(date -u '+%Y-%m-%d %H:%M UTC'); uptime:$(uptime))"
dotnet bench/Sandbox.Bench/bin/Release/net10.0/Sandbox.Bench.dll "${SANDBOX_BATCHES:-20}" "${SANDBOX_BATCH_RUNS:-50}"

echo
echo "== Pipeline.Bench ($(date -u '+%Y-%m-%d %H:%M UTC'); uptime:$(uptime))"
dotnet bench/Pipeline.Bench/bin/Release/net10.0/Pipeline.Bench.dll "${PIPELINE_SUBMISSIONS:-1500}" "${PIPELINE_IN_FLIGHT:-8}" "${PIPELINE_ROUNDS:-5}" "${PIPELINE_WARMUP:-2500}"

echo
echo "== TestData.Bench ($(date -u '+%Y-%m-%d %H:%M UTC'); uptime:$(uptime))"
dotnet bench/TestData.Bench/bin/Release/net10.0/TestData.Bench.dll "${TESTDATA_MEBIBYTES:-100}" "${TESTDATA_FILES:-5}"
