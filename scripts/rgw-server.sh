#!/usr/bin/env bash
# Throwaway single-node Ceph (Pacific 16.2) cluster + RADOS Gateway on 127.0.0.1,
# the real S3 server stocktake's S3Store and end-to-end tests run against.
#   one mon (no mgr needed) + one OSD (memstore by default, or file-backed bluestore)
#   + radosgw (beast frontend) + one S3 user with known keys.
#
# Usage: rgw-server.sh start|stop|clean|status|env
#   start  : (re)create the cluster from nothing unless running, wait until S3 answers,
#            then print the `env` lines
#   stop   : stop the daemons this script started (by recorded pid), keep the data dir
#   clean  : stop + remove the data dir
#   status : exit 0 if RGW answers authenticated S3 requests
#   env    : print export lines (STOCKTAKE_S3_ENDPOINT, AWS_*) for the S3 user
#
# Several instances can run side by side: every port derives from RGW_PORT unless
# set explicitly (mon v2 = RGW_PORT+1, mon v1 = RGW_PORT+2, messenger range
# RGW_PORT+10 .. RGW_PORT+99), and the data dir is per port. Everything (config,
# data, logs, sockets, pid files) lives under $CEPH_DIR.
#
# Requires Debian packages: ceph-mon ceph-osd radosgw ceph-common uuid-runtime curl awscli.
set -euo pipefail

RGW_PORT=${RGW_PORT:-17480}
CEPH_DIR=${CEPH_DIR:-${TMPDIR:-/tmp}/stocktake-ceph-$RGW_PORT}
MON_V2_PORT=${MON_V2_PORT:-$((RGW_PORT + 1))}
MON_V1_PORT=${MON_V1_PORT:-$((RGW_PORT + 2))}
MS_PORT_MIN=${MS_PORT_MIN:-$((RGW_PORT + 10))}   # OSD/RGW messenger ports
MS_PORT_MAX=${MS_PORT_MAX:-$((RGW_PORT + 99))}
S3_USER=${S3_USER:-stocktake}
S3_ACCESS_KEY=${S3_ACCESS_KEY:-STOCKTAKEACCESSKEY01}
S3_SECRET_KEY=${S3_SECRET_KEY:-stocktakeSecretKey0000000000000000000001}
S3_REGION=${S3_REGION:-default}            # RGW zonegroup name
OSD_BACKEND=${OSD_BACKEND:-memstore}       # memstore | bluestore (for > ~10k objects)
MEMSTORE_BYTES=${MEMSTORE_BYTES:-4294967296}  # memstore capacity (RAM used grows with data)
BLUESTORE_BYTES=${BLUESTORE_BYTES:-10737418240} # sparse block file size for bluestore
READY_TIMEOUT=${READY_TIMEOUT:-120}        # seconds, per phase
STOP_TIMEOUT=${STOP_TIMEOUT:-20}
RGW_EXTRA_CONF=${RGW_EXTRA_CONF:-}         # extra lines appended to [client.rgw.st]
RGW_STORAGE_CLASSES=${RGW_STORAGE_CLASSES-STANDARD_IA GLACIER}  # extra storage classes ("" = only STANDARD)

CONF="$CEPH_DIR/ceph.conf"
PIDS="$CEPH_DIR/pids"
LOGS="$CEPH_DIR/log"
ENDPOINT="http://127.0.0.1:$RGW_PORT"

log() { printf '[rgw-server %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
cephc() { timeout 30 ceph -c "$CONF" --connect-timeout 10 "$@"; }

pid_alive() { [[ -f "$PIDS/$1.pid" ]] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

wait_for() { # wait_for <seconds> <description> <command...>
  local t=$1 what=$2; shift 2
  local end=$((SECONDS + t))
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < end )) || die "timed out after ${t}s waiting for $what (logs: $LOGS)"
    sleep 0.5
  done
}

spawn() { # spawn <name> <cmd...> : run in foreground mode, detached, remember pid
  local name=$1; shift
  setsid "$@" </dev/null >>"$LOGS/$name.stdout" 2>&1 &
  echo $! >"$PIDS/$name.pid"
}

s3_ok() { # anonymous ListBuckets returns an XML body once beast is serving
  curl -s -m 3 "$ENDPOINT/" | grep -q 'ListAllMyBucketsResult'
}
s3_auth_ok() { # signed request with the user keys works
  env AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY" \
      AWS_DEFAULT_REGION="$S3_REGION" AWS_EC2_METADATA_DISABLED=true \
      timeout 20 /usr/bin/aws --endpoint-url "$ENDPOINT" s3api list-buckets
}
osd_up() { cephc osd stat 2>/dev/null | grep -Eq ' 1 up'; }

write_conf() {
  local fsid=$1
  cat >"$CONF" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$MON_V2_PORT,v1:127.0.0.1:$MON_V1_PORT]
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind port min = $MS_PORT_MIN
ms bind port max = $MS_PORT_MAX
auth cluster required = none
auth service required = none
auth client required = none
# with auth=none the 'secure' msgr2 mode is impossible; radosgw defaults
# ms_mon_client_mode to 'secure' only and would then fail with EACCES (-13)
ms mon client mode = crc
ms mon service mode = crc
ms mon cluster mode = crc
ms client mode = crc
ms service mode = crc
ms cluster mode = crc
keyring = $CEPH_DIR/empty.keyring
run dir = $CEPH_DIR/run
admin socket = $CEPH_DIR/run/\$name.asok
log file = $LOGS/\$name.log
mon cluster log file = $LOGS/cluster.log
crash dir = $CEPH_DIR/crash
log to stderr = false
err to stderr = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
debug ms = 0
[mon]
mon data = $CEPH_DIR/\$name
[osd]
osd data = $CEPH_DIR/\$name
osd objectstore = $OSD_BACKEND
memstore device bytes = $MEMSTORE_BYTES
bluestore block create = true
bluestore block size = $BLUESTORE_BYTES
bluestore fsck on mkfs = false
bluestore fsck on mount = false
bluestore cache autotune = false
bluestore cache size = 268435456
osd memory target = 1073741824
osd op num shards = 2
osd op num threads per shard = 1
[client.rgw.st]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $CEPH_DIR/rgw
rgw enable usage log = false
rgw dns name = 127.0.0.1
# SSE-C over plain http, and SSE-KMS with static test keys (key id: testkey-1 / testkey-2)
rgw crypt require ssl = false
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = testkey-1=YmluCmJvb3N0CmJvb3N0LWJ1aWxkCmNlcGguY29uZgo= testkey-2=aWIKTWFrZWZpbGUKbWFuCm91dApzcmMKVGVzdGluZwo=
$RGW_EXTRA_CONF
EOF
}

start() {
  if pid_alive rgw && s3_auth_ok >/dev/null 2>&1; then log "already running at $ENDPOINT"; return 0; fi
  local t0=$SECONDS
  stop_daemons
  rm -rf "$CEPH_DIR"
  mkdir -p "$CEPH_DIR"/{run,crash,rgw,mon.a} "$PIDS" "$LOGS"
  : >"$CEPH_DIR/empty.keyring"
  local fsid; fsid=$(uuidgen)
  write_conf "$fsid"

  # --- monitor (no mgr: RGW does not need one; ceph -s will warn "no mgr") ---
  monmaptool --create --fsid "$fsid" \
    --addv a "[v2:127.0.0.1:$MON_V2_PORT,v1:127.0.0.1:$MON_V1_PORT]" \
    "$CEPH_DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" -i a --mkfs --monmap "$CEPH_DIR/monmap" >>"$LOGS/mkfs.log" 2>&1
  spawn mon ceph-mon -c "$CONF" -i a -f
  wait_for "$READY_TIMEOUT" "mon" cephc mon stat
  log "mon up after $((SECONDS - t0))s"

  # --- one OSD ---
  local uuid id; uuid=$(uuidgen)
  id=$(cephc osd new "$uuid")
  mkdir -p "$CEPH_DIR/osd.$id"
  ceph-osd -c "$CONF" -i "$id" --mkfs --osd-uuid "$uuid" >>"$LOGS/mkfs.log" 2>&1
  spawn osd ceph-osd -c "$CONF" -i "$id" -f
  wait_for "$READY_TIMEOUT" "osd.$id up" osd_up
  log "osd.$id ($OSD_BACKEND) up after $((SECONDS - t0))s"

  # --- S3 user (this first radosgw-admin call also creates the default zonegroup/zone + pools) ---
  timeout 60 radosgw-admin -c "$CONF" user create --uid="$S3_USER" --display-name="$S3_USER" \
    --access-key="$S3_ACCESS_KEY" --secret-key="$S3_SECRET_KEY" >"$CEPH_DIR/user.json" 2>>"$LOGS/admin.log"
  log "user created after $((SECONDS - t0))s"

  # --- extra storage classes (RGW only knows STANDARD unless placement targets define more) ---
  local sc
  for sc in $RGW_STORAGE_CLASSES; do
    timeout 60 radosgw-admin -c "$CONF" zonegroup placement add --rgw-zonegroup default \
      --placement-id default-placement --storage-class "$sc" >>"$LOGS/admin.log" 2>&1
    timeout 60 radosgw-admin -c "$CONF" zone placement add --rgw-zone default \
      --placement-id default-placement --storage-class "$sc" \
      --data-pool "default.rgw.$sc.data" >>"$LOGS/admin.log" 2>&1
  done
  [[ -z "$RGW_STORAGE_CLASSES" ]] || log "storage classes added after $((SECONDS - t0))s"

  # --- radosgw (creates its pools and the default realm/zone itself) ---
  spawn rgw radosgw -c "$CONF" -n client.rgw.st -f
  wait_for "$READY_TIMEOUT" "radosgw on $ENDPOINT" s3_ok
  log "rgw serving after $((SECONDS - t0))s"

  wait_for "$READY_TIMEOUT" "authenticated S3 list-buckets" s3_auth_ok
  log "READY: $ENDPOINT (user $S3_USER) in $((SECONDS - t0))s"
}

stop_daemons() {
  local n pid end
  for n in rgw osd mon; do   # reverse start order
    [[ -f "$PIDS/$n.pid" ]] || continue
    pid=$(cat "$PIDS/$n.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      end=$((SECONDS + STOP_TIMEOUT))
      while kill -0 "$pid" 2>/dev/null && (( SECONDS < end )); do sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && { log "$n ($pid) did not stop, SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
    fi
    rm -f "$PIDS/$n.pid"
  done
}

print_env() {
  cat <<EOF
export STOCKTAKE_S3_ENDPOINT=$ENDPOINT
export S3_ENDPOINT=$ENDPOINT
export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY
export AWS_DEFAULT_REGION=$S3_REGION
export AWS_EC2_METADATA_DISABLED=true
export CEPH_CONF=$CONF
EOF
}

case "${1:-}" in
  start)  start; print_env ;;
  stop)   stop_daemons; log "stopped" ;;
  clean)  stop_daemons; rm -rf "$CEPH_DIR"; log "stopped and removed $CEPH_DIR" ;;
  status) if pid_alive rgw && s3_auth_ok >/dev/null 2>&1; then echo "running $ENDPOINT"; else echo "not running"; exit 1; fi ;;
  env)    print_env ;;
  *) echo "usage: $0 start|stop|clean|status|env" >&2; exit 2 ;;
esac
