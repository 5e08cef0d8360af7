#!/usr/bin/env bash
# services.sh - make sure Redis and PostgreSQL answer on their local ports before the tests run.
#
# A service named by REDIS_URL / DATABASE_URL is the caller's: it is only checked. Otherwise the
# default local port is checked; a server that is installed but stopped is started, and one that
# is missing is installed from Debian's packages (needs root) with trust auth on loopback, as the
# test kit expects (postgres://postgres@127.0.0.1:5432/test).
set -euo pipefail

log() { echo "[services] $*" >&2; }
answers() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
wait_until() { # wait_until WHAT SECONDS CMD...
  local what=$1 deadline=$((SECONDS + $2)); shift 2
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || { log "$what did not answer within the time allowed"; return 1; }
    sleep 0.5
  done
}

apt_install() {
  [ "$(id -u)" = 0 ] || { log "cannot install $* without root; install it or set its URL"; return 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "$@" >&2
}

ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then log "Redis: using REDIS_URL (not checked here)"; return 0; fi
  if answers 127.0.0.1 6379; then log "Redis answers on 127.0.0.1:6379"; return 0; fi
  command -v redis-server >/dev/null || { log "Redis is not installed: installing redis-server"; apt_install redis-server; }
  log "starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no >&2
  wait_until "Redis" 20 answers 127.0.0.1 6379
  log "Redis answers on 127.0.0.1:6379"
}

ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then log "PostgreSQL: using DATABASE_URL (not checked here)"; return 0; fi
  if answers 127.0.0.1 5432; then log "PostgreSQL answers on 127.0.0.1:5432"; return 0; fi
  local fresh=0
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    log "PostgreSQL is not installed: installing postgresql"
    apt_install postgresql
    fresh=1
  fi
  local version; version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ "$fresh" = 1 ]; then
    # A fresh Debian cluster asks for passwords on TCP; the test kit connects as postgres without one.
    local hba=/etc/postgresql/$version/main/pg_hba.conf
    printf '%s\n' "local all all trust" "host all all 127.0.0.1/32 trust" "host all all ::1/128 trust" >"$hba"
  fi
  log "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  wait_until "PostgreSQL" 30 answers 127.0.0.1 5432
  if [ "$fresh" = 1 ]; then
    su postgres -c "psql -qc 'CREATE DATABASE test'" >&2 || true
  fi
  log "PostgreSQL answers on 127.0.0.1:5432"
}

ensure_redis
ensure_postgres
