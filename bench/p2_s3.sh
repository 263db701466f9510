#!/usr/bin/env bash
# P2 (issue 5): a 100,000-object bucket on Ceph RGW (bluestore OSD) -> a
# CSV.gz report in a second bucket, stocktake vs the listers users run today:
#   rclone lsjson -R --fast-list --use-server-modtime
#   aws s3api list-objects-v2 (AWS CLI v2)
#   a boto3 list_objects_v2 paginator
# Best of RUNS each, in the same run; plus the server's CPU seconds (radosgw +
# ceph-osd + ceph-mon, from /proc) used by each command. Prints Markdown.
#
#   bench/p2_s3.sh [N]          (default 100000)
# Starts its own RGW on RGW_PORT (default 17700, bluestore) and fills the
# bucket once (about 10 min for 100k objects on 2 cores); the cluster is kept
# between runs (BENCH_KEEP=1, the default) so a rerun skips the fill. Env:
# STOCKTAKE (default build/stocktake), RUNS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-100000}
RUNS=${RUNS:-2}
STOCKTAKE=${STOCKTAKE:-build/stocktake}
export RGW_PORT=${RGW_PORT:-17700}
export OSD_BACKEND=bluestore
BUCKET=bench-$N
WORK=${BENCH_DIR:-/tmp/stocktake-p2}
mkdir -p "$WORK"

command -v rclone >/dev/null || {
  echo "p2: installing rclone" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get install -y -qq rclone >/dev/null
}

scripts/rgw-server.sh start >/dev/null
eval "$(scripts/rgw-server.sh env)"
CEPH_PIDS=${CEPH_DIR:-${TMPDIR:-/tmp}/stocktake-ceph-$RGW_PORT}/pids
AWS=/usr/bin/aws
FILLED=$WORK/filled-$RGW_PORT-$N   # the fill is slow: done once per cluster
if [[ ! -f $FILLED ]] || ! $AWS --endpoint-url "$S3_ENDPOINT" s3api head-bucket --bucket "$BUCKET" 2>/dev/null; then
  echo "p2: filling s3://$BUCKET with $N objects" >&2
  $AWS --endpoint-url "$S3_ENDPOINT" s3 mb "s3://$BUCKET" >/dev/null 2>&1 || true
  /usr/bin/python3 bench/s3_fill.py --endpoint-url "$S3_ENDPOINT" --bucket "$BUCKET" --count "$N" >&2
  touch "$FILLED"
fi
$AWS --endpoint-url "$S3_ENDPOINT" s3 mb s3://bench-dst >/dev/null 2>&1 || true

export RCLONE_CONFIG_RGW_TYPE=s3 RCLONE_CONFIG_RGW_PROVIDER=Ceph
export RCLONE_CONFIG_RGW_ENDPOINT=$S3_ENDPOINT RCLONE_CONFIG_RGW_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID
export RCLONE_CONFIG_RGW_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY RCLONE_CONFIG_RGW_REGION=$AWS_DEFAULT_REGION

cat >"$WORK/boto3_list.py" <<'PY'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1])
n = 0
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=sys.argv[2]):
    n += len(page.get("Contents", []))
print(n)
PY

# Server CPU ticks of the Ceph daemons (utime + stime of every pid file).
server_ticks() {
  local t=0 f
  for f in "$CEPH_PIDS"/*.pid; do
    [[ -f $f ]] || continue
    t=$((t + $(awk '{print $14 + $15}' "/proc/$(cat "$f")/stat" 2>/dev/null || echo 0)))
  done
  echo $t
}
HZ=$(getconf CLK_TCK)

# measure LABEL CMD...: best-of-RUNS wall; prints "wall cpu rss server_cpu".
measure() {
  local best="" line
  for _ in $(seq "$RUNS"); do
    local s0; s0=$(server_ticks)
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt" ||
      { echo "p2: failed: $*" >&2; cat "$WORK/err.txt" >&2; exit 1; }
    local s1; s1=$(server_ticks)
    line=$(awk -v s=$((s1 - s0)) -v hz="$HZ" '{printf "%.2f %.2f %.0f %.2f", $1, $2 + $3, $4 / 1024, s / hz}' "$WORK/time.txt")
    if [[ -z $best || $(echo "${line%% *} < ${best%% *}" | bc) == 1 ]]; then best=$line; fi
  done
  echo "$best"
}

ST=$(measure "$STOCKTAKE" --state "$WORK/state" -q scan "s3://$BUCKET" --dest s3://bench-dst/r \
      --endpoint-url "$S3_ENDPOINT" --fields Size,LastModifiedDate,ETag,StorageClass,IsMultipartUploaded)
# rclone reads AWS_CA_BUNDLE and then refuses its own transport: unset it.
RC=$(measure env -u AWS_CA_BUNDLE rclone lsjson -R --fast-list --use-server-modtime "rgw:$BUCKET")
# As spelled, lsjson HEADs every object for its MIME type; without that it
# only lists, the fair comparison for a listing.
RCL=$(measure env -u AWS_CA_BUNDLE rclone lsjson -R --fast-list --use-server-modtime --no-mimetype "rgw:$BUCKET")
CLI=$(measure $AWS --endpoint-url "$S3_ENDPOINT" s3api list-objects-v2 --bucket "$BUCKET" --output json)
BOTO=$(measure /usr/bin/python3 "$WORK/boto3_list.py" "$S3_ENDPOINT" "$BUCKET")

echo "## P2 S3: $N-object bucket on Ceph RGW (bluestore) -> CSV.gz report"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
echo "load average at end $(cut -d' ' -f1-3 /proc/loadavg), $(git rev-parse --short HEAD); RGW, OSD and"
echo "clients share the same cores. Best of $RUNS runs each by wall time. Command: \`bench/p2_s3.sh $N\`."
echo
echo "| command | wall (s) | speed-up of stocktake | client CPU (s) | peak RSS (MB) | server CPU (s) |"
echo "|---|---|---|---|---|---|"
row() {
  local label=$1 r=$2
  read -r w c m s <<<"$r"
  local sw=${ST%% *}
  awk -v l="$label" -v w="$w" -v c="$c" -v m="$m" -v s="$s" -v sw="$sw" \
    'BEGIN {printf "| %s | %.2f | %.2fx | %.2f | %s | %.2f |\n", l, w, w / sw, c, m, s}'
}
row "\`stocktake scan s3://$BUCKET --dest s3://bench-dst/r\` (full report)" "$ST"
row "\`rclone lsjson -R --fast-list --use-server-modtime\` (lists, then HEADs each object)" "$RC"
row "same with \`--no-mimetype\` (listing only)" "$RCL"
row "\`aws s3api list-objects-v2\` (CLI v2, listing only)" "$CLI"
row "boto3 \`list_objects_v2\` paginator (listing only)" "$BOTO"
echo
echo "Speed-up = the command's wall time / stocktake's. Goals (issue 5): >= 3x rclone, >= 8x the AWS CLI."
