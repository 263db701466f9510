#!/usr/bin/env bash
# P2 (issue 5): an N-object bucket on Ceph RGW (bluestore OSD) -> a report in
# a second bucket, stocktake vs the listers users run today, in one run:
#   stocktake scan at --list-concurrency 1 and at its default; the default
#     also with --format parquet and with --versions all
#   rclone lsjson -R --fast-list --use-server-modtime (as spelled: it HEADs
#     every object for its MIME type) and the same with --no-mimetype
#   aws s3api list-objects-v2 / list-object-versions (AWS CLI v2)
#   boto3 list_objects_v2 / list_object_versions paginators
# Best of RUNS each by wall time; plus the server's CPU seconds (radosgw +
# ceph-osd + ceph-mon, from /proc) used by each command. Prints Markdown.
#
#   bench/p2_s3.sh [N]          (default 100000)
# Starts its own RGW on RGW_PORT (default 17700, bluestore) unless one runs
# there, and fills the bucket once (about 10 min for 100k objects on 2
# cores); a rerun against the same running cluster skips the fill. Env:
# STOCKTAKE (default build/stocktake), RUNS (default 2), BENCH_DIR (default
# /tmp/stocktake-p2), VERDICTS (a file to append "figure<TAB>ratio<TAB>goal
# <TAB>met" lines to, for bench/run's summary).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-100000}
RUNS=${RUNS:-2}
STOCKTAKE=${STOCKTAKE:-build/stocktake}
export RGW_PORT=${RGW_PORT:-17700}
export OSD_BACKEND=bluestore
BUCKET=bench-$N
WORK=${BENCH_DIR:-/tmp/stocktake-p2}
VERDICTS=${VERDICTS:-/dev/null}
mkdir -p "$WORK"

command -v rclone >/dev/null || { echo "p2: rclone is missing (scripts/setup installs it)" >&2; exit 1; }

scripts/rgw-server.sh start >/dev/null
eval "$(scripts/rgw-server.sh env)"
CEPH_PIDS=${CEPH_DIR:-${TMPDIR:-/tmp}/stocktake-ceph-$RGW_PORT}/pids
AWS=/usr/bin/aws
FILLED=$WORK/filled-$RGW_PORT-$N   # the fill is slow: done once per cluster
if [[ ! -f $FILLED ]] || ! $AWS --endpoint-url "$S3_ENDPOINT" s3api head-bucket --bucket "$BUCKET" 2>/dev/null; then
  echo "p2: filling s3://$BUCKET with $N objects" >&2
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
versions = len(sys.argv) > 3 and sys.argv[3] == "versions"
op, field = ("list_object_versions", "Versions") if versions else ("list_objects_v2", "Contents")
n = 0
for page in s3.get_paginator(op).paginate(Bucket=sys.argv[2]):
    n += len(page.get(field, []))
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
CORES=$(nproc)

# Waits until the Ceph daemons are idle (under 10% of a core over 5 s), at
# most QUIESCE_MAX seconds (default 300); prints the seconds waited. After
# a fill, bluestore's RocksDB compacts for minutes, and that CPU would be
# counted as the listings' (measured: stocktake's rows right after a fill
# read 3.00 s of server CPU where a settled cluster read 2.14 s).
quiesce() {
  local start=$SECONDS t0 t1
  while ((SECONDS - start < ${QUIESCE_MAX:-300})); do
    t0=$(server_ticks); sleep 5; t1=$(server_ticks)
    if (((t1 - t0) * 100 < 10 * 5 * HZ)); then echo $((SECONDS - start)); return; fi
  done
  echo "$((SECONDS - start)) (still busy)"
}
# Requests RGW has served so far (its perf counter rgw.req).
rgw_requests() {
  local asok
  asok=$(ls "${CEPH_PIDS%/pids}"/run/client.rgw.*.asok 2>/dev/null | head -1)
  [[ -n $asok ]] || { echo 0; return; }
  ceph --admin-daemon "$asok" perf dump 2>/dev/null |
    /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["rgw"]["req"])' 2>/dev/null || echo 0
}
# Non-idle CPU ticks of the whole machine (every core), from /proc/stat.
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8; exit}' /proc/stat; }

# measure CMD...: best-of-RUNS wall; prints "wall cpu rss server_cpu
# requests busy": RGW requests served and the share of the machine's cores
# busy (anything, not just this command) during the command.
measure() {
  local best="" line
  for _ in $(seq "$RUNS"); do
    local r0; r0=$(rgw_requests)
    local s0; s0=$(server_ticks)
    local m0; m0=$(machine_ticks)
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt" ||
      { echo "p2: failed: $*" >&2; cat "$WORK/err.txt" >&2; exit 1; }
    local m1; m1=$(machine_ticks)
    local s1; s1=$(server_ticks)
    local r1; r1=$(rgw_requests)
    line=$(awk -v s=$((s1 - s0)) -v hz="$HZ" -v q=$((r1 - r0)) -v m=$((m1 - m0)) -v n="$CORES" \
      '{printf "%.2f %.2f %.0f %.2f %d %.0f", $1, $2 + $3, $4 / 1024, s / hz, q, 100 * m / hz / ($1 * n)}' \
      "$WORK/time.txt")
    if [[ -z $best || $(echo "${line%% *} < ${best%% *}" | bc) == 1 ]]; then best=$line; fi
  done
  echo "$best"
}

FIELDS=Size,LastModifiedDate,ETag,StorageClass,IsMultipartUploaded
SCAN=("$STOCKTAKE" --state "$WORK/state" -q scan "s3://$BUCKET" --dest s3://bench-dst/r
      --endpoint-url "$S3_ENDPOINT" --fields "$FIELDS")
WAITED=$(quiesce)
ST1=$(measure "${SCAN[@]}" --list-concurrency 1)
ST=$(measure "${SCAN[@]}")
ST64=$(measure "${SCAN[@]}" --list-concurrency 64)
STP=$(measure "${SCAN[@]}" --format parquet)
STV=$(measure "${SCAN[@]}" --versions all)
# rclone reads AWS_CA_BUNDLE and then refuses its own transport: unset it.
RC=$(measure env -u AWS_CA_BUNDLE rclone lsjson -R --fast-list --use-server-modtime "rgw:$BUCKET")
RCL=$(measure env -u AWS_CA_BUNDLE rclone lsjson -R --fast-list --use-server-modtime --no-mimetype "rgw:$BUCKET")
CLI=$(measure $AWS --endpoint-url "$S3_ENDPOINT" s3api list-objects-v2 --bucket "$BUCKET" --output json)
BOTO=$(measure /usr/bin/python3 "$WORK/boto3_list.py" "$S3_ENDPOINT" "$BUCKET")
CLIV=$(measure $AWS --endpoint-url "$S3_ENDPOINT" s3api list-object-versions --bucket "$BUCKET" --output json)
BOTOV=$(measure /usr/bin/python3 "$WORK/boto3_list.py" "$S3_ENDPOINT" "$BUCKET" versions)

echo "## P2 S3: $N-object bucket on Ceph RGW (bluestore) -> report in a second bucket"
echo
echo "RGW, OSD and clients share the machine's cores. Best of $RUNS runs each by wall time."
echo "Measured once the Ceph daemons were idle (under 10% of a core over 5 s): ${WAITED} s after the fill or start."
echo "Command: \`bench/p2_s3.sh $N\`; stocktake rows run"
echo "\`stocktake scan s3://$BUCKET --dest s3://bench-dst/r --endpoint-url URL --fields $FIELDS\`"
echo "plus the flags shown; the bucket is unversioned, so a versions listing returns each object"
echo "once as its \`null\` version."
echo
echo "| command | wall (s) | its wall / stocktake's | client CPU (s) | peak RSS (MB) | server CPU (s) | RGW requests | CPU floor (s) | cores busy |"
echo "|---|---|---|---|---|---|---|---|---|"
# row LABEL RESULT REFERENCE: a table row, the ratio against REFERENCE's wall.
# CPU floor: (client + server CPU) / cores, the wall time if all that work
# were spread perfectly over the machine's cores.
row() {
  local label=$1 r=$2 ref=$3
  read -r w c m s q b <<<"$r"
  awk -v l="$label" -v w="$w" -v c="$c" -v m="$m" -v s="$s" -v q="$q" -v b="$b" -v n="$CORES" \
      -v sw="${ref%% *}" \
    'BEGIN {printf "| %s | %.2f | %.2fx | %.2f | %s | %.2f | %d | %.2f | %d%% |\n", l, w, w / sw, c, m, s, q, (c + s) / n, b}'
}
row "stocktake \`--list-concurrency 1\` (CSV.gz)" "$ST1" "$ST"
row "**stocktake, default concurrency (CSV.gz)**" "$ST" "$ST"
row "stocktake \`--list-concurrency 64\`" "$ST64" "$ST"
row "stocktake \`--format parquet\`" "$STP" "$ST"
row "\`rclone lsjson -R --fast-list --use-server-modtime\` (lists, then HEADs each object)" "$RC" "$ST"
row "same with \`--no-mimetype\` (listing only)" "$RCL" "$ST"
row "\`aws s3api list-objects-v2 --output json\` (CLI v2, listing only)" "$CLI" "$ST"
row "boto3 \`list_objects_v2\` paginator (listing only)" "$BOTO" "$ST"
row "**stocktake \`--versions all\`**" "$STV" "$STV"
row "\`aws s3api list-object-versions --output json\`" "$CLIV" "$STV"
row "boto3 \`list_object_versions\` paginator" "$BOTOV" "$STV"
echo
echo "Ratios: the command's wall time / stocktake's (current objects: the default-concurrency"
echo "CSV.gz row; versions: the \`--versions all\` row). Goals (issue 5): >= 3x rclone, >= 8x the AWS CLI."
echo "RGW requests: RGW's request counter (\`rgw.req\`) over the command: listing calls, plus for"
echo "stocktake the report's writes and checks. CPU floor: (client + server CPU) / $CORES cores, the"
echo "wall time if all that work were spread perfectly over the machine. Cores busy: the share of"
echo "all cores busy (with anything) during the command."

# verdict FIGURE PEER_RESULT REF_RESULT GOAL
verdict() {
  awk -v f="$1" -v p="${2%% *}" -v r="${3%% *}" -v g="$4" \
    'BEGIN {x = p / r; printf "%s\t%.2fx\t>= %sx\t%s\n", f, x, g, (x >= g ? "met" : "not met")}' >>"$VERDICTS"
}
verdict "P2 stocktake vs rclone lsjson (as spelled), $N keys" "$RC" "$ST" 3
verdict "P2 stocktake vs rclone lsjson --no-mimetype, $N keys" "$RCL" "$ST" 3
verdict "P2 stocktake vs aws s3api list-objects-v2, $N keys" "$CLI" "$ST" 8
verdict "P2 stocktake --versions all vs aws s3api list-object-versions, $N keys" "$CLIV" "$STV" 8
