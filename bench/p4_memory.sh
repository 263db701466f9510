#!/usr/bin/env bash
# P4 (issue 5): peak RSS while reporting N keys from a synthetic S3 endpoint
# (bench/synthetic_s3.py: generated listings, so the client is measured, not
# a server), for 1M and 10M keys, CSV.gz and Parquet, current and all
# versions. Also the client CPU per key (P3 at scale: listing parse + encode
# + compress, whole process). Prints a Markdown section on stdout. Each
# configuration runs RUNS times (default 2) and its peak is the highest: how
# many pages wait in the lister's bounded buffer at the peak depends on
# timing (measured: +-3 MB between back-to-back runs, up to ~11 MB, the
# buffer's 32 pages), and the goal is about the worst case.
#
#   bench/p4_memory.sh [N ...]      (default: 1000000 10000000)
# Env: STOCKTAKE (default build/stocktake), BENCH_DIR (default
# /tmp/stocktake-p4), VERDICTS (a file to append "figure<TAB>ratio<TAB>goal
# <TAB>met" lines to, for bench/run's summary).
set -euo pipefail
cd "$(dirname "$0")/.."

STOCKTAKE=${STOCKTAKE:-build/stocktake}
BENCH_DIR=${BENCH_DIR:-/tmp/stocktake-p4}
SIZES=("$@")
((${#SIZES[@]})) || SIZES=(1000000 10000000)
FIELDS=Size,LastModifiedDate,ETag,StorageClass,IsMultipartUploaded
VERDICTS=${VERDICTS:-/dev/null}
RUNS=${RUNS:-2}
declare -A RSS_MB   # "format versions" -> peak RSS (MB) per size, space-separated
mkdir -p "$BENCH_DIR"
export AWS_ACCESS_KEY_ID=synthetic AWS_SECRET_ACCESS_KEY=synthetic AWS_REGION=us-east-1

SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill $SERVER_PID 2>/dev/null || true' EXIT

echo "## P4 memory: N keys from a synthetic S3 endpoint -> report"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
echo "load average at start $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Command: \`bench/p4_memory.sh ${SIZES[*]}\`; each row is one \`stocktake scan s3://synth"
echo "--endpoint-url http://127.0.0.1:PORT --dest DIR --fields $FIELDS [--format parquet] [--versions all]\`"
echo "measured with /usr/bin/time (the server is a separate process, not counted), $RUNS runs each:"
echo "wall and CPU of the first, the highest peak RSS (and the others')."
echo
echo "| keys | format | versions | wall (s) | client CPU (s) | CPU per key (us) | peak RSS (MB) | other runs' peaks (MB) | report bytes |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in "${SIZES[@]}"; do
  /usr/bin/python3 bench/synthetic_s3.py --count "$n" >"$BENCH_DIR/port.txt" &
  SERVER_PID=$!
  for _ in $(seq 50); do grep -q PORT "$BENCH_DIR/port.txt" 2>/dev/null && break; sleep 0.1; done
  port=$(awk '/PORT/ {print $2}' "$BENCH_DIR/port.txt")
  for format in csv parquet; do
    for versions in current all; do
      peaks=()
      for run in $(seq "$RUNS"); do
        out=$BENCH_DIR/out; rm -rf "$out" "$BENCH_DIR/state"; mkdir -p "$out"
        /usr/bin/time -f '%e %U %S %M' -o "$BENCH_DIR/time.txt" \
          "$STOCKTAKE" --state "$BENCH_DIR/state" -q scan s3://synth --endpoint-url "http://127.0.0.1:$port" \
          --dest "$out" --fields $FIELDS --format $format --versions $versions >/dev/null
        read -r w u s rss <"$BENCH_DIR/time.txt"
        peaks+=("$((rss / 1024))")
        if ((run == 1)); then
          wall=$w user=$u sys=$s
          bytes=$(find "$out" -path '*/data/*' -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
        fi
      done
      top=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -1)
      RSS_MB["$format $versions"]+="$top "
      awk -v n="$n" -v f="$format" -v v="$versions" -v w="$wall" -v u="$user" -v s="$sys" -v r="$top" \
          -v o="$(printf '%s\n' "${peaks[@]}" | sort -n | head -n -1 | paste -sd, -)" -v b="$bytes" \
        'BEGIN {printf "| %d | %s | %s | %.1f | %.1f | %.2f | %d | %s | %d |\n", n, f, v, w, u + s, (u + s) * 1e6 / n, r, o, b}'
    done
  done
  kill $SERVER_PID; wait $SERVER_PID 2>/dev/null || true; SERVER_PID=""
done

# Goal: < 200 MB at every size, and flat: the largest size's peak within
# 1.25x of the smallest size's (per format and versions setting).
for k in "${!RSS_MB[@]}"; do
  read -r -a mb <<<"${RSS_MB[$k]}"
  awk -v k="$k" -v lo="${mb[0]}" -v hi="${mb[${#mb[@]}-1]}" -v sizes="${SIZES[*]}" 'BEGIN {
    split(sizes, n, " "); r = hi / lo
    printf "P4 peak RSS %s, %s -> %s keys\t%d -> %d MB (%.2fx)\t< 200 MB, flat (<= 1.25x)\t%s\n",
      k, n[1], n[length(n)], lo, hi, r, (hi < 200 && r <= 1.25 ? "met" : "not met")
  }' >>"$VERDICTS"
done
