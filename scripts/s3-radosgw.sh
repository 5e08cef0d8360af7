#!/usr/bin/env bash
# s3-radosgw.sh - a throwaway, single-node S3 server for integration tests: Ceph radosgw from
# Debian bookworm's packages (pacific), on 127.0.0.1 only. No Docker, no systemd: one monitor,
# one OSD on the in-memory "memstore" backend (data lives in the OSD's RAM and is lost on stop)
# and radosgw, run as plain processes whose pids are kept in the state dir.
#
#   s3-radosgw.sh start    # idempotent; prints the S3_* lines for the environment (on stdout)
#   s3-radosgw.sh status   # exit 0 when the endpoint answers a signed request
#   s3-radosgw.sh stop     # stops only the daemons this script started, removes the state dir
#
# Copied from the shared services folder so CI needs only the project; .ci/run starts it before the tests.
# Env: S3_STATE_DIR (/tmp/s3-radosgw), S3_PORT (7480), S3_MON_PORT (3300), S3_MEMSTORE_BYTES (3 GiB),
#      S3_ACCESS_KEY (infra-test-access), S3_SECRET_KEY (infra-test-secret-key-0123456789).
# Use: eval "$(s3-radosgw.sh start)"   (add `set -a` first to export the variables)
set -euo pipefail
set -E   # the ERR trap set in `start` also fires inside functions

STATE=${S3_STATE_DIR:-/tmp/s3-radosgw}
PORT=${S3_PORT:-7480}
MON_PORT=${S3_MON_PORT:-3300}
AK=${S3_ACCESS_KEY:-infra-test-access}
SK=${S3_SECRET_KEY:-infra-test-secret-key-0123456789}
CONF=$STATE/ceph.conf
BUDGET=105   # seconds for the cluster to come up; with the cleanup a failure ends within 120 s
             # (the package install, when needed, comes before and is not counted)

log() { echo "s3-radosgw: $*" >&2; }

# True when rgw answers a SigV4-signed ListBuckets with our key (so: up, and the user exists).
answering() {
  curl -fsS --max-time 3 --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AK:$SK" \
    -H "x-amz-content-sha256: $(printf '' | sha256sum | cut -d' ' -f1)" \
    "http://127.0.0.1:$PORT/" 2>/dev/null | grep -q '<ListAllMyBucketsResult'
}

print_env() {
  printf '%s\n' "S3_ENDPOINT=http://127.0.0.1:$PORT" "S3_ACCESS_KEY=$AK" "S3_SECRET_KEY=$SK" \
    "S3_REGION=us-east-1" "S3_FORCE_PATH_STYLE=true"
}

# Does something already listen on 127.0.0.1:$1?
port_busy() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# Is pid $1 one of our live daemons (its command line names our config)? Guards against pid reuse.
ours() { grep -qaF -- "$CONF" "/proc/$1/cmdline" 2>/dev/null; }

# Stop the daemons recorded in $STATE/pids, rgw first, mon last: TERM, then KILL after 4 s.
kill_ours() {
  local name pid
  for name in rgw osd mon; do
    [ -f "$STATE/pids/$name" ] || continue
    pid=$(cat "$STATE/pids/$name")
    if ours "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 20); do ours "$pid" || break; sleep 0.2; done
      if ours "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$STATE/pids/$name"
  done
}

# launch NAME CMD... : run a daemon in the foreground of its own session (detached from our
# terminal and from the lock on fd 9), logs in $STATE/log; $! is the daemon itself (setsid execs).
launch() {
  local name=$1; shift
  setsid "$@" -f -c "$CONF" </dev/null >>"$STATE/log/$name.out" 2>&1 9<&- &
  echo $! >"$STATE/pids/$name"
}

# Stop our daemons and remove the state dir, but only a dir this script made (it has our marker).
wipe_state() {
  [ -e "$STATE" ] || return 0
  if [ ! -f "$STATE/.s3-radosgw" ]; then log "$STATE was not made by this script; not touching it"; exit 1; fi
  kill_ours; rm -rf "$STATE"
}

left() { local n=$((BUDGET - SECONDS)); echo $((n > 0 ? n : 1)); }

# Any failure during start: say what failed, show the log tails, stop what we started (logs stay).
fail() {
  trap - ERR
  log "FAILED to start after ${SECONDS}s: $*"
  local f; for f in "$STATE"/log/*; do
    if [ -s "$f" ]; then echo "--- tail $f" >&2; tail -n 15 "$f" >&2; fi
  done
  kill_ours
  if [ -d "$STATE/log" ]; then log "daemons stopped; logs kept in $STATE/log"; fi
  exit 1
}

# wait_for WHAT CMD... : retry CMD until it succeeds; fail at the deadline or if a daemon died.
wait_for() {
  local what=$1 f; shift
  until "$@" >/dev/null 2>&1; do
    for f in "$STATE"/pids/*; do ours "$(cat "$f")" || fail "the ${f##*/} daemon exited"; done
    [ "$SECONDS" -lt "$BUDGET" ] || fail "timed out waiting for $what"
    sleep 0.5
  done
}

# Install with apt-get only the packages whose commands are missing (no blanket upgrade).
install_packages() {
  local pkgs=() c
  for c in ceph-mon:ceph-mon ceph-osd:ceph-osd monmaptool:ceph-base radosgw:radosgw \
           radosgw-admin:ceph-common ceph:ceph-common curl:curl; do
    command -v "${c%%:*}" >/dev/null || pkgs+=("${c#*:}")
  done
  [ ${#pkgs[@]} -gt 0 ] || return 0
  log "installing ${pkgs[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${pkgs[@]}" >&2
}

start() {
  if answering; then log "already up on 127.0.0.1:$PORT"; print_env; return 0; fi
  install_packages
  SECONDS=0
  trap 'fail "command failed (line $LINENO): $BASH_COMMAND"' ERR
  wipe_state   # a state dir without a working server is a leftover: clear it, start afresh
  local p; for p in "$PORT" "$MON_PORT"; do
    if port_busy "$p"; then fail "127.0.0.1:$p is already in use by another process"; fi
  done
  mkdir -p "$STATE"/{mon,osd,rgw,run,log,pids,crash}; touch "$STATE/.s3-radosgw"

  local fsid uuid
  fsid=$(cat /proc/sys/kernel/random/uuid); uuid=$(cat /proc/sys/kernel/random/uuid)
  # Fresh cluster: new fsid, no cephx (auth none), msgr2 on 127.0.0.1 only, all files in $STATE.
  cat >"$CONF" <<EOF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$MON_PORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
# Without this (default "secure crc") radosgw never connects with auth none: error -13.
ms mon client mode = crc secure
run dir = $STATE/run
crash dir = $STATE/crash
log file = $STATE/log/\$name.log
admin socket = $STATE/run/\$name.asok
mon data = $STATE/mon
osd data = $STATE/osd
osd objectstore = memstore
# Objects are kept in the OSD's memory: 3 GiB at most by default (the storage tests write one 1 GiB object).
memstore device bytes = ${S3_MEMSTORE_BYTES:-3221225472}
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
# Commit monitor map changes every 0.1 s instead of 1 s: start takes ~2 s instead of ~12 s.
paxos propose interval = 0.1
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw data = $STATE/rgw
# 64 request threads instead of 512: plenty for tests, ~450 fewer threads.
rgw thread pool size = 64
# Free the data of deleted objects within seconds, not after rgw's default two hours: the OSD keeps objects in
# memory, and large test uploads would otherwise fill it (writes then block).
rgw gc obj min wait = 5
rgw gc processor period = 5
rgw gc processor max time = 10
EOF

  # Monitor.
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_PORT]" "$STATE/monmap" \
    >>"$STATE/log/mkfs.out" 2>&1
  ceph-mon -c "$CONF" -i a --mkfs --monmap "$STATE/monmap" >>"$STATE/log/mkfs.out" 2>&1
  launch mon ceph-mon -i a
  wait_for "the monitor on 127.0.0.1:$MON_PORT" timeout 5 ceph -c "$CONF" mon stat

  # One OSD on memstore; it adds itself to the CRUSH map when it boots.
  [ "$(timeout "$(left)" ceph -c "$CONF" osd new "$uuid")" = 0 ] || fail "ceph osd new did not give id 0"
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$uuid" >>"$STATE/log/mkfs.out" 2>&1
  launch osd ceph-osd -i 0

  # The S3 user (radosgw-admin creates the rgw pools too; it blocks until the OSD serves them).
  timeout "$(left)" radosgw-admin -c "$CONF" user create --uid infra-test --display-name "infra test" \
    --access-key "$AK" --secret-key "$SK" >/dev/null 2>>"$STATE/log/user-create.out"

  launch rgw radosgw -n client.rgw.a
  wait_for "the S3 endpoint on 127.0.0.1:$PORT" answering
  trap - ERR
  log "up in ${SECONDS}s on 127.0.0.1:$PORT (state in $STATE)"
  print_env
}

stop() { wipe_state; log "stopped"; }

case "${1:-}" in
  # One start/stop at a time (parallel test jobs may all call start): lock this script file.
  start|stop) exec 9<"${BASH_SOURCE[0]}"; flock 9; "$1" ;;
  status) if answering; then log "up on 127.0.0.1:$PORT"; else log "not answering on 127.0.0.1:$PORT"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
