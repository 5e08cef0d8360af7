#!/usr/bin/env bash
# services.sh - make sure Redis and PostgreSQL answer on their local ports before the tests run.
#
# A service named by REDIS_URL / DATABASE_URL is the caller's: it is only checked. Otherwise the
# default local port is checked; a server that is installed but stopped is started, and one that
# is missing is installed from Debian's packages (needs root) with trust auth on loopback, as the
# test kit expects (postgres://postgres@127.0.0.1:5432/test).
#
# A 3-master Redis Cluster runs on 127.0.0.1:7001-7003 (REDIS_CLUSTER_URLS names the caller's own
# instead, which is only checked): nodes of the installed redis-server, no persistence, each in its
# own folder under INFRA_REDIS_CLUSTER_DIR (default ${TMPDIR:-/tmp}/infra-redis-cluster). A cluster
# already running and ok is left alone; a half-started one is rebuilt.
set -euo pipefail

log() { echo "[services] $*" >&2; }
answers() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
wait_until() { # wait_until WHAT SECONDS CMD...
  local what=$1 deadline=$((SECONDS + $2)); shift 2
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || { log "$what did not answer within the time allowed"; return 1; }
    sleep 0.2
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

cluster_ports=(7001 7002 7003)
cluster_dir=${INFRA_REDIS_CLUSTER_DIR:-${TMPDIR:-/tmp}/infra-redis-cluster}

# cluster_ok HOST PORT: the node says cluster_state:ok and sees a cluster of N masters (N = $3, default 3).
cluster_ok() {
  local info; info=$(timeout 2 redis-cli -h "$1" -p "$2" cluster info 2>/dev/null | tr -d '\r') || return 1
  grep -qx 'cluster_state:ok' <<<"$info" && grep -qx "cluster_size:${3:-3}" <<<"$info"
}
all_cluster_ok() { local port; for port in "${cluster_ports[@]}"; do cluster_ok 127.0.0.1 "$port" || return 1; done; }

# A daemonized node's parent may be slow to reap it: a zombie counts as gone.
process_gone() { ! kill -0 "$1" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }

# Stops a node this script started (its pid file, or the folder it runs in, is ours); never anything
# else on the port.
stop_cluster_node() {
  local pidfile=$cluster_dir/$1/redis.pid pid=""
  if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile")
  else
    # Our folder was swept away while the node ran (a temp folder clean-up): its working folder still says.
    pid=$(timeout 2 redis-cli -p "$1" info server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p') || true
    [ -n "$pid" ] && [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$cluster_dir/$1 (deleted)" ] || pid=""
  fi
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; then
    kill -9 "$pid" # it holds nothing worth saving, and SIGTERM takes a cluster node about 2 s
    wait_until "redis-server $pid to stop" 10 process_gone "$pid"
  fi
}

ensure_redis_cluster() {
  if [ -n "${REDIS_CLUSTER_URLS:-}" ]; then
    # The caller's cluster: checked through its first URL, never started or changed.
    local first=${REDIS_CLUSTER_URLS%%,*}
    if command -v redis-cli >/dev/null && ! timeout 3 redis-cli -u "$first" cluster info 2>/dev/null | tr -d '\r' | grep -qx 'cluster_state:ok'; then
      log "Redis Cluster: REDIS_CLUSTER_URLS does not answer with cluster_state:ok (first URL checked)"
      return 1
    fi
    log "Redis Cluster: using REDIS_CLUSTER_URLS"
    return 0
  fi
  if all_cluster_ok; then log "Redis Cluster ok on 127.0.0.1:${cluster_ports[*]}"; return 0; fi
  command -v redis-server >/dev/null || { log "Redis is not installed: installing redis-server"; apt_install redis-server; }
  local started port
  started=$(date +%s%N)
  log "starting a 3-master Redis Cluster on 127.0.0.1:${cluster_ports[*]} (folder $cluster_dir)"
  # Whatever is there is half-started (or from an old run): our nodes are stopped and start empty.
  for port in "${cluster_ports[@]}"; do stop_cluster_node "$port"; done
  for port in "${cluster_ports[@]}"; do
    if answers 127.0.0.1 "$port" || answers 127.0.0.1 $((port + 10000)); then
      log "port $port (or its cluster bus $((port + 10000))) is taken by something this script did not start; free it or set REDIS_CLUSTER_URLS"
      return 1
    fi
  done
  rm -rf "$cluster_dir"
  for port in "${cluster_ports[@]}"; do
    mkdir -p "$cluster_dir/$port"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$cluster_dir/$port" \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
      --save "" --appendonly no --pidfile "$cluster_dir/$port/redis.pid" --logfile "$cluster_dir/$port/redis.log" >&2
  done
  for port in "${cluster_ports[@]}"; do wait_until "Redis Cluster node $port" 20 answers 127.0.0.1 "$port"; done
  local nodes=(); for port in "${cluster_ports[@]}"; do nodes+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$cluster_dir/create.log" 2>&1 ||
    { log "redis-cli --cluster create failed:"; cat "$cluster_dir/create.log" >&2; return 1; }
  wait_until "Redis Cluster (cluster_state:ok)" 30 all_cluster_ok
  log "Redis Cluster ok on 127.0.0.1:${cluster_ports[*]} (started in $((($(date +%s%N) - started) / 1000000)) ms)"
}

ensure_redis
ensure_redis_cluster
ensure_postgres
