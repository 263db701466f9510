#!/usr/bin/env bash
# Issue 7 benchmark: consolidate R reports totalling R x K rows into the
# central register with `stocktake register --once`; rows/s and peak RSS.
# The reports are real `stocktake scan` reports of synthetic buckets
# (bench/synthetic_s3.py --any-bucket: every bucket holds the same K keys),
# spread over 3 accounts and 2 regional collectors (local folders), half
# CSV.gz and half Parquet. Prints a Markdown section on stdout.
#
#   bench/register_bench.sh [R [K]]       (default 1000 reports x 10000 rows)
# Env: STOCKTAKE (default build/stocktake), BENCH_DIR (default /tmp/stocktake-reg).
set -euo pipefail
cd "$(dirname "$0")/.."

R=${1:-1000}
K=${2:-10000}
STOCKTAKE=$(realpath "${STOCKTAKE:-build/stocktake}")
W=${BENCH_DIR:-/tmp/stocktake-reg}
export AWS_ACCESS_KEY_ID=synthetic AWS_SECRET_ACCESS_KEY=synthetic AWS_REGION=us-east-1
ACCOUNTS=(111111111111 222222222222 333333333333)
REGIONS=(eu-west-1 us-east-1)

SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill $SERVER_PID 2>/dev/null || true' EXIT
mkdir -p "$W"
/usr/bin/python3 bench/synthetic_s3.py --count "$K" --any-bucket >"$W/port.txt" &
SERVER_PID=$!
for _ in $(seq 50); do grep -q PORT "$W/port.txt" 2>/dev/null && break; sleep 0.1; done
PORT=$(awk '/PORT/ {print $2}' "$W/port.txt")

# The collectors: reports as the seed's scripts lay them out
# (<collector>/<account>/<bucket>/<config-id>/...). Made once per (R, K).
COLL=$W/collectors-$R-$K
if [[ ! -f $COLL/.complete ]]; then
  rm -rf "$COLL"
  for region in "${REGIONS[@]}"; do mkdir -p "$COLL/coll-$region"; done
  echo "register_bench: writing $R reports of $K rows" >&2
  for i in $(seq 0 $((R - 1))); do
    account=${ACCOUNTS[$((i % 3))]}
    region=${REGIONS[$((i % 2))]}
    format=csv; ((i % 4 < 2)) || format=parquet
    "$STOCKTAKE" --state "$W/scan-state" -q scan "s3://src-$(printf %05d "$i")" \
      --endpoint-url "http://127.0.0.1:$PORT" --dest "$COLL/coll-$region/$account" --id inventory \
      --format $format --fields Size,LastModifiedDate,ETag,StorageClass,IsMultipartUploaded >/dev/null
  done
  touch "$COLL/.complete"
fi
kill $SERVER_PID; wait $SERVER_PID 2>/dev/null || true; SERVER_PID=""

rm -rf "$W/central" "$W/reg-state"; mkdir -p "$W/central"
/usr/bin/time -f '%e %U %S %M' -o "$W/time.txt" "$STOCKTAKE" --state "$W/reg-state" -q register \
  --central "$W/central" --collector "eu-west-1=$COLL/coll-eu-west-1" \
  --collector "us-east-1=$COLL/coll-us-east-1" --once >/dev/null
read -r wall user sys rss <"$W/time.txt"
parts=$(find "$W/central" -name '*.parquet' | wc -l)
bytes=$(du -sb "$W/central" | cut -f1)
rows=$((R * K))

echo "## Register: $R reports, $rows rows -> central store"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
echo "load average at end $(cut -d' ' -f1-3 /proc/loadavg), $(git rev-parse --short HEAD)."
echo "Command: \`bench/register_bench.sh $R $K\`: $R \`stocktake scan\` reports (half CSV.gz, half"
echo "Parquet) of $K rows each in 2 local collectors, 3 accounts; then, timed,"
echo "\`stocktake register --central DIR --collector eu-west-1=DIR --collector us-east-1=DIR --once\`."
echo
echo "| reports | rows | wall (s) | rows/s | CPU (s) | peak RSS (MB) | parts | central bytes |"
echo "|---|---|---|---|---|---|---|---|"
awk -v r="$R" -v n="$rows" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" -v p="$parts" -v b="$bytes" \
  'BEGIN {printf "| %d | %d | %.1f | %.0f | %.1f | %.0f | %d | %d |\n", r, n, w, n / w, u + s, m / 1024, p, b}'
