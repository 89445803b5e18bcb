#!/usr/bin/env bash
# PostgreSQL and Redis for Meshdeck's production-like mode (`./run start
# --production`) and the two-replica integration test, from Debian's packages,
# run by this script as plain processes on 127.0.0.1 — never as system
# services. Data, logs, sockets and pid files live in the git-ignored
# .run/production/ (MESHDECK_PRODUCTION_DIR).
#
#   scripts/production/services.sh up      start both (installing Debian's
#                                          postgresql / redis-server first
#                                          when missing and run as root), then
#                                          print the environment as `export`
#                                          lines: eval "$(... up)"
#   scripts/production/services.sh env     print that environment again
#   scripts/production/services.sh status  say what runs (exit 1 if not both)
#   scripts/production/services.sh down    stop both (data is kept)
#   scripts/production/services.sh reset   stop both and delete their data
#
# The environment printed is what app-config.production.yaml reads:
# POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_PASSWORD, REDIS_URL.
# Ports: MESHDECK_POSTGRES_PORT (default 15432), MESHDECK_REDIS_PORT (16379).
# The passwords are made once per data folder and kept there (mode 600).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=${MESHDECK_PRODUCTION_DIR:-$ROOT/.run/production}
PG_PORT=${MESHDECK_POSTGRES_PORT:-15432}
REDIS_PORT=${MESHDECK_REDIS_PORT:-16379}
HOST=127.0.0.1
PG_USER=backstage

PG_PASSWORD_FILE="$DIR/postgres/password"
# where PostgreSQL's own files go (set by pg_paths): $DIR/postgres, or as
# root, when the postgres user cannot reach the repository, a private
# temporary folder recorded in $DIR/postgres/location
PG_HOME='' PG_DATA='' PG_RUN='' PG_LOG=''
REDIS_DIR="$DIR/redis"
REDIS_PID="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"
REDIS_PASSWORD_FILE="$REDIS_DIR/password"

log() { printf '\033[1m[meshdeck services]\033[0m %s\n' "$*" >&2; }
die() {
  printf '\033[1;31m[meshdeck services] %s\033[0m\n' "$*" >&2
  exit 1
}

is_root() { [ "$(id -u)" = 0 ]; }

# PostgreSQL's server binaries: pg_config's bindir, else the newest
# /usr/lib/postgresql/<version>/bin (Debian keeps them off PATH).
pg_bindir() {
  local dir
  if command -v pg_config >/dev/null; then
    dir=$(pg_config --bindir 2>/dev/null || true)
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
      echo "$dir"
      return
    fi
  fi
  # shellcheck disable=SC2012
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
    return
  fi
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    dirname "$(command -v pg_ctl)"
    return
  fi
  return 1
}

redis_bin() {
  command -v redis-server || { [ -x /usr/bin/redis-server ] && echo /usr/bin/redis-server; }
}

# Installs Debian packages without letting their maintainer scripts start or
# enable system services: a policy-rc.d that forbids it during the install
# (unless the machine already has one), and the units disabled afterwards.
apt_install() {
  is_root || die "$* not installed; as root this script installs them with apt-get (Debian), otherwise install them yourself: apt-get install $*"
  command -v apt-get >/dev/null || die "$* not installed and no apt-get here: install PostgreSQL (initdb, pg_ctl) and redis-server yourself"
  log "installing Debian's $* (apt-get; no system service is started or enabled)"
  local policy=/usr/sbin/policy-rc.d ours=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# written by meshdeck scripts/production/services.sh during apt-get install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    ours=1
  fi
  local rc=0
  {
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  } || rc=$?
  [ -z "$ours" ] || rm -f "$policy"
  [ $rc = 0 ] || die "apt-get install $* failed"
  local unit
  for unit in redis-server postgresql; do
    if [ -d /run/systemd/system ] && systemctl list-unit-files "$unit.service" >/dev/null 2>&1; then
      systemctl disable --now "$unit" >/dev/null 2>&1 || true
    elif [ -x "/etc/init.d/$unit" ] && command -v update-rc.d >/dev/null; then
      update-rc.d "$unit" disable >/dev/null 2>&1 || true
    fi
  done
}

ensure_installed() {
  local missing=()
  pg_bindir >/dev/null || missing+=(postgresql)
  redis_bin >/dev/null || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
  pg_bindir >/dev/null || die "PostgreSQL's initdb/pg_ctl not found after installing postgresql"
  redis_bin >/dev/null || die "redis-server not found after installing redis-server"
}

# PostgreSQL refuses to run as root: as root, its commands run as the
# `postgres` user Debian's package creates, and it owns the data folder.
pg_as_owner() {
  if is_root; then
    getent passwd postgres >/dev/null || die "running as root needs the 'postgres' user (Debian's postgresql package creates it)"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

secret_in() {
  local file=$1
  if [ ! -s "$file" ]; then
    (umask 077 && od -An -N18 -tx1 /dev/urandom | tr -d ' \n' >"$file")
  fi
  cat "$file"
}

pg_paths() {
  PG_HOME="$DIR/postgres"
  if is_root && [ -s "$DIR/postgres/location" ]; then
    PG_HOME=$(cat "$DIR/postgres/location")
  elif is_root && [ -d "$PG_HOME" ] && ! runuser -u postgres -- test -x "$PG_HOME" 2>/dev/null; then
    PG_HOME=$(mktemp -d -t meshdeck-postgres.XXXXXX)
    chown postgres "$PG_HOME"
    echo "$PG_HOME" >"$DIR/postgres/location"
    log "the 'postgres' user cannot reach $DIR (a parent folder is closed to others): its data goes to $PG_HOME"
  fi
  PG_DATA="$PG_HOME/data"
  PG_RUN="$PG_HOME/run"
  PG_LOG="$PG_HOME/postgres.log"
}

pg_running() {
  [ -f "$PG_DATA/postmaster.pid" ] && pg_as_owner "$(pg_bindir)/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

redis_running() {
  [ -f "$REDIS_PID" ] && kill -0 "$(cat "$REDIS_PID")" 2>/dev/null
}

port_in_use() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

pg_up() {
  local bin
  bin=$(pg_bindir)
  mkdir -p "$DIR/postgres"
  chmod 755 "$DIR/postgres"
  local password
  password=$(secret_in "$PG_PASSWORD_FILE")
  pg_paths
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initdb $PG_DATA (superuser '$PG_USER', password in $PG_PASSWORD_FILE)"
    rm -rf "$PG_DATA"
    mkdir -p "$PG_DATA" "$PG_RUN"
    local pwfile="$PG_HOME/.pwfile"
    (umask 077 && printf '%s\n' "$password" >"$pwfile")
    if is_root; then
      chown postgres "$PG_HOME" "$PG_DATA" "$PG_RUN" "$pwfile"
    fi
    pg_as_owner "$bin/initdb" -D "$PG_DATA" -U "$PG_USER" --pwfile="$pwfile" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PG_HOME/initdb.log" 2>&1 ||
      { rm -f "$pwfile"; cat "$PG_HOME/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pwfile"
  fi
  if pg_running; then
    log "PostgreSQL already running on $HOST:$PG_PORT"
    return
  fi
  port_in_use "$PG_PORT" && die "port $PG_PORT is in use by something else (set MESHDECK_POSTGRES_PORT)"
  mkdir -p "$PG_RUN"
  touch "$PG_LOG"
  if is_root; then
    chown postgres "$PG_RUN" "$PG_LOG"
  fi
  log "starting PostgreSQL on $HOST:$PG_PORT (log: $PG_LOG)"
  pg_as_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
    -o "-c listen_addresses=$HOST -p $PG_PORT -k $PG_RUN -c max_connections=200 -c fsync=off" start >/dev/null ||
    { tail -20 "$PG_LOG" >&2; die "PostgreSQL did not start"; }
}

redis_up() {
  local bin password
  bin=$(redis_bin)
  mkdir -p "$REDIS_DIR"
  password=$(secret_in "$REDIS_PASSWORD_FILE")
  if redis_running; then
    log "Redis already running on $HOST:$REDIS_PORT"
    return
  fi
  port_in_use "$REDIS_PORT" && die "port $REDIS_PORT is in use by something else (set MESHDECK_REDIS_PORT)"
  log "starting Redis on $HOST:$REDIS_PORT (log: $REDIS_LOG)"
  # the password goes in through stdin (a config file read from '-'), so it
  # never shows in the process list
  printf 'requirepass %s\n' "$password" | "$bin" - \
    --bind "$HOST" --port "$REDIS_PORT" --protected-mode yes \
    --daemonize yes --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" \
    --dir "$REDIS_DIR" --save '' --appendonly no >&2 ||
    die "Redis did not start (log: $REDIS_LOG)"
  local tries=50
  while [ $tries -gt 0 ]; do
    if redis_running && port_in_use "$REDIS_PORT"; then
      return
    fi
    tries=$((tries - 1))
    sleep 0.1
  done
  tail -20 "$REDIS_LOG" >&2
  die "Redis did not start"
}

print_env() {
  if [ ! -s "$PG_PASSWORD_FILE" ] || [ ! -s "$REDIS_PASSWORD_FILE" ]; then
    die "no services set up in $DIR yet: run '$0 up' first"
  fi
  cat <<EOF
export POSTGRES_HOST=$HOST
export POSTGRES_PORT=$PG_PORT
export POSTGRES_USER=$PG_USER
export POSTGRES_PASSWORD=$(cat "$PG_PASSWORD_FILE")
export REDIS_URL=redis://default:$(cat "$REDIS_PASSWORD_FILE")@$HOST:$REDIS_PORT
EOF
}

pg_down() {
  pg_paths
  if pg_running; then
    log "stopping PostgreSQL"
    pg_as_owner "$(pg_bindir)/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  fi
}

redis_down() {
  if redis_running; then
    log "stopping Redis"
    local pid tries=100
    pid=$(cat "$REDIS_PID")
    kill "$pid"
    while [ $tries -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
      tries=$((tries - 1))
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && die "Redis (pid $pid) did not stop"
  fi
  rm -f "$REDIS_PID"
}

status() {
  local rc=0
  pg_paths
  if pg_bindir >/dev/null && pg_running; then
    log "PostgreSQL: running on $HOST:$PG_PORT, data $PG_DATA"
  else
    log "PostgreSQL: not running"
    rc=1
  fi
  if redis_running; then
    log "Redis: running on $HOST:$REDIS_PORT (pid $(cat "$REDIS_PID"))"
  else
    log "Redis: not running"
    rc=1
  fi
  return $rc
}

case "${1:-}" in
  up)
    ensure_installed
    mkdir -p "$DIR"
    pg_up
    redis_up
    print_env
    ;;
  env) print_env ;;
  status) status ;;
  down)
    redis_down
    if pg_bindir >/dev/null; then pg_down; fi
    ;;
  reset)
    redis_down
    if pg_bindir >/dev/null; then pg_down; fi
    log "deleting $DIR"
    if [ -s "$DIR/postgres/location" ]; then
      rm -rf "$(cat "$DIR/postgres/location")"
    fi
    rm -rf "$DIR"
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
