#!/usr/bin/env bash
# `make key NAME=alice [ADMIN=1]` and `make key-revoke NAME=alice`: create or revoke an API key in the
# database the service uses (the Api's own command: `dotnet Judge.Api.dll key create|revoke`). Works while
# the service runs. The settings are those `make run` uses (scripts/services.sh env), unless
# ConnectionStrings__Judge is set already (a server of your own). Create prints the key as its last line.
#   scripts/key.sh create NAME [--admin]
#   scripts/key.sh revoke NAME
#   scripts/key.sh dev      (make run) the first time, an admin key kept in .data/api-key (mode 0600;
#                           JUDGE_API_KEY_FILE names another file)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
configuration="${CONFIGURATION:-Debug}"

if [[ "${1:-}" == dev ]]; then
    key_file="${JUDGE_API_KEY_FILE:-.data/api-key}"
    if [[ -s "$key_file" ]]; then
        echo "development API key: $key_file"
        exit 0
    fi
    key="$("$0" create "dev-$(date +%Y%m%d-%H%M%S)" --admin | tail -n 1)"
    mkdir -p "$(dirname "$key_file")"
    (umask 077 && printf '%s\n' "$key" >"$key_file")
    echo "created a development API key (admin), kept in $key_file: $key"
    exit 0
fi
if (($# < 2)) || [[ "$1" != create && "$1" != revoke ]]; then
    echo "usage: $0 create NAME [--admin] | revoke NAME | dev" >&2
    exit 2
fi
[[ -n "${ConnectionStrings__Judge:-}" ]] || eval "$(scripts/services.sh env)"

api_dir="Api/bin/$configuration/net10.0"
# Built only when missing: rebuilding under a running Api would replace the files it runs from.
if [[ ! -f "$api_dir/Judge.Api.dll" ]]; then
    dotnet build Api/Judge.Api.csproj -c "$configuration" -v quiet -nologo >&2
fi
cd "$api_dir"
exec dotnet Judge.Api.dll key "$@"
