#!/usr/bin/env bash
# `make run`: the private services, then the Api and one Worker in the foreground.
# Ctrl-C stops all it started: the Api and the Worker, and PostgreSQL and RabbitMQ unless they
# were already running before (then they keep running; `make services-stop` stops them).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
configuration="${CONFIGURATION:-Debug}"
api_url="${JUDGE_API_URL:-http://127.0.0.1:8080}"

services_were_running=false
scripts/services.sh status >/dev/null 2>&1 && services_were_running=true
app_pids=()
# shellcheck disable=SC2317  # only ever called from the traps below
stop_all() {
    trap - INT TERM EXIT
    if ((${#app_pids[@]} > 0)); then
        echo "stopping the Api and the Worker"
        kill -TERM "${app_pids[@]}" 2>/dev/null || true
        wait "${app_pids[@]}" 2>/dev/null || true
    fi
    $services_were_running || scripts/services.sh stop || true
}
# Set before anything starts: a failed build or start stops what came up before it.
trap stop_all EXIT
trap 'stop_all; exit 130' INT TERM

scripts/services.sh start
eval "$(scripts/services.sh env)"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}"

dotnet build Api/Judge.Api.csproj -c "$configuration"
dotnet build Worker/Judge.Worker.csproj -c "$configuration"

# Each app runs from its output folder, where its appsettings*.json files are.
start_app() {
    local project_dir="$1" dll="$2"
    shift 2
    (cd "$project_dir/bin/$configuration/net10.0" && exec dotnet "$dll" "$@") &
    app_pids+=("$!")
}
scripts/key.sh dev  # the first start makes a development key, kept in .data/api-key
start_app Api Judge.Api.dll --urls "$api_url"
start_app Worker Judge.Worker.dll

echo
echo "Judge API: $api_url   (Ctrl-C stops everything this command started)"
echo

# When either app exits on its own, stop the other and pass its status on.
app_status=0
wait -n "${app_pids[@]}" || app_status=$?
exit "$app_status"
