#!/usr/bin/env bash
# Private PostgreSQL and RabbitMQ for development and tests.
#
#   scripts/services.sh start    install what is missing, start both, wait until they accept connections
#   scripts/services.sh stop     stop both
#   scripts/services.sh status   say what runs; exit 0 only if both do
#   scripts/services.sh env      print the settings the apps read, as `export` lines for eval
#   scripts/services.sh wipe     stop both and delete their data
#
# Both servers keep their data, logs and sockets under <repo>/.data and listen on 127.0.0.1 only,
# on ports chosen not to collide with a system PostgreSQL (5432) or RabbitMQ (5672). The system
# services that the Debian packages ship are never used, so nothing outside the checkout changes
# except installed packages.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir="$repo_root/.data"

pg_port=55432
amqp_port=55672
management_port=55673
erlang_dist_port=55679
rabbit_node=judge@localhost
start_timeout_s="${JUDGE_SERVICES_TIMEOUT_S:-120}"

rabbit_dir="$data_dir/rabbitmq"
rabbit_pid_file="$rabbit_dir/judge.pid"
rabbit_bin=/usr/lib/rabbitmq/bin   # the real scripts; /usr/sbin wraps them in `su rabbitmq`

say() { printf 'services: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

pg_bin_dir() {
    local dir
    for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/pg_ctl" ]] && { printf '%s\n' "$dir"; return 0; }
    done
    return 1
}

# ---------------------------------------------------------------------------------------------
# Packages

install_missing_packages() {
    local missing=()
    pg_bin_dir >/dev/null || missing+=(postgresql)
    [[ -x "$rabbit_bin/rabbitmq-server" ]] || missing+=(rabbitmq-server)
    command -v bwrap >/dev/null || missing+=(bubblewrap)
    ((${#missing[@]} == 0)) && return 0

    is_root || die "missing packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}"
    command -v apt-get >/dev/null || die "missing packages: ${missing[*]}, and apt-get is not available"

    # The packages' maintainer scripts would start system-wide servers; we never use those, so
    # forbid service starts for the duration of the install (the policy-rc.d convention) unless
    # the machine already has a policy of its own.
    local policy=/usr/sbin/policy-rc.d own_policy=false
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        own_policy=true
    fi

    say "installing ${missing[*]} with apt-get"
    local status=0
    {
        DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    } || status=$?
    [[ "$own_policy" == true ]] && rm -f "$policy"
    ((status == 0)) || die "apt-get failed (exit $status) installing ${missing[*]}"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

# PostgreSQL refuses to run as root, so as root we run it as the `postgres` user the package
# creates; as anyone else, as ourselves. From /, because the checkout may be closed to postgres.
as_pg_owner() {
    if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# The cluster lives in .data/postgres. When the checkout sits where the postgres user cannot
# reach it (a clone under /root, say), the cluster goes under /var/tmp instead and .data/postgres
# becomes a link to it. Decided once, when the cluster is created.
pg_data_dir() {
    readlink -f "$data_dir/postgres"
}

prepare_pg_data_dir() {
    mkdir -p "$data_dir"
    [[ -e "$data_dir/postgres" ]] && return 0
    if is_root && ! runuser -u postgres -- test -x "$data_dir"; then
        local outside
        outside="/var/tmp/judge-postgres-$(printf '%s' "$repo_root" | cksum | cut -d' ' -f1)"
        say "the postgres user cannot reach $data_dir; keeping the cluster in $outside"
        mkdir -p "$outside"
        ln -s "$outside" "$data_dir/postgres"
    else
        mkdir -p "$data_dir/postgres"
    fi
    is_root && chown postgres:postgres "$(pg_data_dir)"
    chmod 700 "$(pg_data_dir)"
}

pg_is_running() {
    local bin
    bin="$(pg_bin_dir)" || return 1
    [[ -f "$(pg_data_dir)/PG_VERSION" ]] && as_pg_owner "$bin/pg_ctl" -D "$(pg_data_dir)" status >/dev/null 2>&1
}

start_postgres() {
    local bin pgdata
    bin="$(pg_bin_dir)" || die "PostgreSQL is not installed"
    prepare_pg_data_dir
    pgdata="$(pg_data_dir)"

    if [[ ! -f "$pgdata/PG_VERSION" ]]; then
        say "creating the PostgreSQL cluster in $pgdata"
        # Local (socket) connections are trusted: the socket lives in the private data directory.
        # TCP connections need a password.
        as_pg_owner "$bin/initdb" -D "$pgdata" -U postgres -E UTF8 --no-locale \
            --auth-local=trust --auth-host=scram-sha-256 >"$data_dir/initdb.log" 2>&1 ||
            die "initdb failed; see $data_dir/initdb.log"
        printf "\ninclude 'judge.conf'\n" | as_pg_owner tee -a "$pgdata/postgresql.conf" >/dev/null
    fi

    # Rewritten on every start so that a moved checkout still points at its own socket directory.
    as_pg_owner tee "$pgdata/judge.conf" >/dev/null <<EOF
# Written by scripts/services.sh; edits are lost on the next start.
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pgdata'
max_connections = 200
# A throwaway development cluster: surviving an operating-system crash is not worth the fsyncs.
# (A PostgreSQL crash or restart loses nothing with these settings.)
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

    if pg_is_running; then
        say "PostgreSQL already running on 127.0.0.1:$pg_port"
    else
        pg_port_is_free || die "port $pg_port is taken by another program; stop it first"
        say "starting PostgreSQL on 127.0.0.1:$pg_port"
        as_pg_owner "$bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t "$start_timeout_s" start >/dev/null ||
            { tail -n 20 "$pgdata/server.log" >&2 || true; die "PostgreSQL did not start; log: $pgdata/server.log"; }
    fi

    wait_until "PostgreSQL" "$pgdata/server.log" pg_isready -q -h 127.0.0.1 -p "$pg_port"

    # The application's role and database; CREATEDB lets test fixtures make scratch databases.
    psql -X -q -v ON_ERROR_STOP=1 -h "$pgdata" -p "$pg_port" -U postgres -d postgres >/dev/null <<'SQL' ||
SELECT 'CREATE ROLE judge LOGIN CREATEDB PASSWORD ''judge'''
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'judge')\gexec
SELECT 'CREATE DATABASE judge OWNER judge'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'judge')\gexec
SQL
        die "could not create the judge role and database"
}

pg_port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null
}

stop_postgres() {
    if pg_is_running; then
        say "stopping PostgreSQL"
        as_pg_owner "$(pg_bin_dir)/pg_ctl" -D "$(pg_data_dir)" -m fast -w stop >/dev/null
    else
        say "PostgreSQL is not running"
    fi
}

# ---------------------------------------------------------------------------------------------
# RabbitMQ

# Everything the node and its command-line tools look at, pointed into .data/rabbitmq. HOME
# matters because the Erlang cookie is read from $HOME/.erlang.cookie by both sides; keeping it
# here means root on a fresh machine needs no cookie of its own.
rabbit_env=(
    HOME="$rabbit_dir"
    RABBITMQ_NODENAME="$rabbit_node"
    RABBITMQ_USE_LONGNAME=false
    RABBITMQ_CONF_ENV_FILE="$rabbit_dir/rabbitmq-env.conf"
    RABBITMQ_CONFIG_FILE="$rabbit_dir/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$rabbit_dir/advanced.config"
    RABBITMQ_ENABLED_PLUGINS_FILE="$rabbit_dir/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$rabbit_dir/mnesia"
    RABBITMQ_LOG_BASE="$rabbit_dir/log"
    RABBITMQ_PID_FILE="$rabbit_pid_file"
    RABBITMQ_DIST_PORT="$erlang_dist_port"
    # Erlang distribution (and epmd, if this node is the one that starts it) on loopback only.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    ERL_EPMD_ADDRESS=127.0.0.1
)

rabbit() {
    local tool="$1"
    shift
    env "${rabbit_env[@]}" "$rabbit_bin/$tool" "$@"
}

prepare_rabbit_dir() {
    mkdir -p "$rabbit_dir/mnesia" "$rabbit_dir/log"
    chmod 700 "$rabbit_dir"
    # Present and empty, so /etc/rabbitmq/rabbitmq-env.conf is not read instead.
    : >"$rabbit_dir/rabbitmq-env.conf"
    if [[ ! -s "$rabbit_dir/.erlang.cookie" ]]; then
        (umask 077 && od -An -N20 -tx1 /dev/urandom | tr -d ' \n' >"$rabbit_dir/.erlang.cookie")
        chmod 400 "$rabbit_dir/.erlang.cookie"
    fi
    printf '[rabbitmq_management].\n' >"$rabbit_dir/enabled_plugins"
    # default_user applies when the node first creates its database: the judge user then exists
    # and guest never does.
    cat >"$rabbit_dir/rabbitmq.conf" <<EOF
# Written by scripts/services.sh; edits are lost on the next start.
listeners.tcp.1 = 127.0.0.1:$amqp_port
management.tcp.ip = 127.0.0.1
management.tcp.port = $management_port
default_vhost = /
default_user = judge
default_pass = judge
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
loopback_users.guest = true
log.console = false
log.file.level = info
EOF
}

rabbit_pid() {
    local pid
    [[ -s "$rabbit_pid_file" ]] || return 1
    pid="$(<"$rabbit_pid_file")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -q beam "/proc/$pid/cmdline" 2>/dev/null || return 1
    printf '%s\n' "$pid"
}

rabbit_is_running() { rabbit_pid >/dev/null; }

amqp_port_answers() {
    (exec 3<>"/dev/tcp/127.0.0.1/$amqp_port") 2>/dev/null
}

start_rabbitmq() {
    [[ -x "$rabbit_bin/rabbitmq-server" ]] || die "RabbitMQ is not installed"
    prepare_rabbit_dir

    if rabbit_is_running; then
        say "RabbitMQ already running on 127.0.0.1:$amqp_port"
    else
        ! amqp_port_answers || die "port $amqp_port is taken by another program; stop it first"
        say "starting RabbitMQ node $rabbit_node on 127.0.0.1:$amqp_port (management on $management_port)"
        rm -f "$rabbit_pid_file"
        # setsid: the node outlives this script and does not get the terminal's Ctrl-C.
        setsid env "${rabbit_env[@]}" "$rabbit_bin/rabbitmq-server" >"$rabbit_dir/log/console.log" 2>&1 </dev/null &
        local launcher=$!
        disown "$launcher"
        local deadline=$((SECONDS + start_timeout_s))
        until amqp_port_answers; do
            if ! kill -0 "$launcher" 2>/dev/null; then
                tail -n 20 "$rabbit_dir/log/console.log" >&2 || true
                die "RabbitMQ exited during start; logs in $rabbit_dir/log"
            fi
            ((SECONDS < deadline)) ||
                die "RabbitMQ did not open port $amqp_port within ${start_timeout_s}s; logs in $rabbit_dir/log"
            sleep 0.5
        done
    fi

    rabbit rabbitmqctl -q await_startup --timeout "$start_timeout_s" >/dev/null ||
        die "RabbitMQ node $rabbit_node did not finish booting; logs in $rabbit_dir/log"
    rabbit rabbitmq-diagnostics -q check_port_connectivity >/dev/null ||
        die "RabbitMQ is up but does not accept AMQP connections on $amqp_port"
}

stop_rabbitmq() {
    if rabbit_is_running; then
        say "stopping RabbitMQ"
        # Given the pid file, `stop` waits until the Erlang VM has exited.
        rabbit rabbitmqctl -q stop "$rabbit_pid_file" >/dev/null
    else
        say "RabbitMQ is not running"
    fi
}

# ---------------------------------------------------------------------------------------------

wait_until() {
    local what="$1" log="$2"
    shift 2
    local deadline=$((SECONDS + start_timeout_s))
    until "$@"; do
        ((SECONDS < deadline)) || die "$what did not accept connections within ${start_timeout_s}s; see $log"
        sleep 0.5
    done
}

print_env() {
    cat <<EOF
export ConnectionStrings__Judge='Host=127.0.0.1;Port=$pg_port;Database=judge;Username=judge;Password=judge'
export RabbitMq__Host='127.0.0.1'
export RabbitMq__Port='$amqp_port'
export RabbitMq__Username='judge'
export RabbitMq__Password='judge'
export RabbitMq__VirtualHost='/'
export RabbitMq__ManagementPort='$management_port'
EOF
}

print_status() {
    local ok=0
    if pg_is_running; then
        echo "postgresql: running on 127.0.0.1:$pg_port (data: $(pg_data_dir))"
    else
        echo "postgresql: stopped"; ok=3
    fi
    if rabbit_is_running; then
        echo "rabbitmq:   running as $rabbit_node on 127.0.0.1:$amqp_port, management http://127.0.0.1:$management_port (data: $rabbit_dir)"
    else
        echo "rabbitmq:   stopped"; ok=3
    fi
    return "$ok"
}

case "${1:-}" in
    start)
        install_missing_packages
        start_postgres
        start_rabbitmq
        say "ready"
        ;;
    stop)
        stop_rabbitmq
        stop_postgres
        ;;
    status) print_status ;;
    wipe)
        stop_rabbitmq
        stop_postgres
        [[ -L "$data_dir/postgres" ]] && rm -rf -- "$(pg_data_dir)"
        rm -rf -- "$data_dir"
        say "removed $data_dir"
        ;;
    env) print_env ;;
    *)
        echo "usage: $0 start|stop|status|env|wipe" >&2
        exit 2
        ;;
esac
