#!/usr/bin/env bash
# `make run`: the private services, then the Api and one Worker, each supervised: an app that exits or
# dies is started again after a backoff (1 s, doubling up to 30 s; back to 1 s once it ran a minute),
# and each start and exit is logged here. The rest keeps serving meanwhile.
# `make worker` (scripts/run.sh worker): one more supervised Worker against the services already running.
#
# Ctrl-C, or SIGTERM to this script, stops everything it started: the apps (SIGTERM, so that they finish
# or hand back their work), and PostgreSQL and RabbitMQ unless they were running before (then they keep
# running; `make services-stop` stops them).
#
# JUDGE_EXTERNAL_SERVICES=1: PostgreSQL and RabbitMQ are not ours: never start or stop them, and take the
#   connection settings (ConnectionStrings__Judge, RabbitMq__*) from the environment as they are.
# JUDGE_NO_BUILD=1: run what is already built (CONFIGURATION picks which).
# JUDGE_API_URL: where the Api listens (http://127.0.0.1:8080).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
configuration="${CONFIGURATION:-Debug}"
api_url="${JUDGE_API_URL:-http://127.0.0.1:8080}"
mode="${1:-all}"
case "$mode" in
    all | worker) ;;
    *) echo "usage: scripts/run.sh [worker]" >&2; exit 2 ;;
esac

log() { echo "$(date '+%H:%M:%S') run.sh: $*" >&2; }

external_services="${JUDGE_EXTERNAL_SERVICES:-0}"
services_were_running=true
if [[ $external_services != 1 ]]; then
    if ! scripts/services.sh status >/dev/null 2>&1; then
        if [[ $mode == worker ]]; then
            echo "PostgreSQL and RabbitMQ are not running: start them with \`make run\` (or \`make services\`) first" >&2
            exit 1
        fi
        services_were_running=false
    fi
fi

supervisor_pids=()
# shellcheck disable=SC2317  # only ever called from the traps below
stop_all() {
    trap - INT TERM EXIT
    if ((${#supervisor_pids[@]} > 0)); then
        log "stopping what this command started"
        kill -TERM "${supervisor_pids[@]}" 2>/dev/null || true
        wait "${supervisor_pids[@]}" 2>/dev/null || true
    fi
    $services_were_running || scripts/services.sh stop || true
}
# Set before anything starts: a failed build or start stops what came up before it.
trap stop_all EXIT
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

if [[ $external_services != 1 ]]; then
    [[ $mode == worker ]] || scripts/services.sh start
    eval "$(scripts/services.sh env)"
fi
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}"

if [[ ${JUDGE_NO_BUILD:-0} != 1 ]]; then
    [[ $mode == worker ]] || dotnet build Api/Judge.Api.csproj -c "$configuration"
    dotnet build Worker/Judge.Worker.csproj -c "$configuration"
fi

# Runs `dotnet DLL ARGS` from the project's output folder (where its appsettings*.json are) until SIGTERM,
# starting it again whenever it exits. Always run in the background (`supervise ... &`): that subshell's
# trap and child are its own. (A `( )` body would be a second subshell, out of reach of the pid `$!` gives.)
supervise() {
    local name="$1" project_dir="$2" dll="$3"
    shift 3
    local child="" app delay=1 status started
    # On SIGTERM: stop the app (or the backoff's sleep) and wait for it, then end.
    trap 'trap - TERM; [[ -z $child ]] || { kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; }; exit 0' TERM
    while true; do
        started=$SECONDS
        (cd "$project_dir/bin/$configuration/net10.0" && exec dotnet "$dll" "$@") &
        app=$!
        child=$app
        log "$name started (pid $app)"
        status=0
        wait "$app" || status=$?
        child=""
        # A run of a minute or more was not a crash loop: the next failure starts from a short wait again.
        ((SECONDS - started < 60)) || delay=1
        if ((status > 128)); then
            log "$name (pid $app) was killed by signal $((status - 128)); starting it again in $delay s"
        else
            log "$name (pid $app) exited with status $status; starting it again in $delay s"
        fi
        sleep "$delay" &
        child=$!
        wait "$child" || true
        child=""
        delay=$((delay * 2 > 30 ? 30 : delay * 2))
    done
}

if [[ $mode == all ]]; then
    scripts/key.sh dev  # the first start makes a development key, kept in .data/api-key
    supervise api Api Judge.Api.dll --urls "$api_url" &
    supervisor_pids+=("$!")
fi
supervise worker Worker Judge.Worker.dll &
supervisor_pids+=("$!")

echo
if [[ $mode == all ]]; then
    echo "Judge API: $api_url   (Ctrl-C stops everything this command started)"
else
    echo "One more Worker   (Ctrl-C stops it)"
fi
echo

# The supervisors end only when told to; this wait ends on Ctrl-C or SIGTERM, whose trap stops them.
wait
