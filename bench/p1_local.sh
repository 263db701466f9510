#!/usr/bin/env bash
# P1 (issue 5): a local tree of N objects -> CSV.gz report, stocktake vs
#   find DIR -type f -printf '%P\t%s\t%T@\n' | gzip -1
# (and the same report as Parquet), measured best of 3 in the same run.
# Prints a Markdown section on stdout.
#
#   bench/p1_local.sh [N]        (default 200000)
# Env: STOCKTAKE (binary, default build/stocktake), BENCH_DIR (default
# /tmp/stocktake-p1), RUNS (default 3), VERDICTS (a file to append
# "figure<TAB>ratio<TAB>goal<TAB>met" lines to, for bench/run's summary).
set -euo pipefail

N=${1:-200000}
STOCKTAKE=${STOCKTAKE:-build/stocktake}
BENCH_DIR=${BENCH_DIR:-/tmp/stocktake-p1}
RUNS=${RUNS:-3}
VERDICTS=${VERDICTS:-/dev/null}
ROOT=$BENCH_DIR/root-$N
TREE=$ROOT/bucket
FIELDS_ETAG=Size,LastModifiedDate,ETag

# The tree: 2 levels of folders, 100 files per leaf folder, 64-2111 bytes
# each, names with mixed separators so S3 order differs from path order.
if [[ ! -f $ROOT/.complete ]]; then
  rm -rf "$ROOT"
  mkdir -p "$TREE"
  python3 - "$TREE" "$N" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
leaf = 100
for i in range(0, n, leaf):
    d = os.path.join(root, "d%03d" % (i // (leaf * 100)), "s-%03d" % ((i // leaf) % 100))
    os.makedirs(d, exist_ok=True)
    for j in range(min(leaf, n - i)):
        k = i + j
        with open(os.path.join(d, "obj-%07d.dat" % k), "wb") as f:
            f.write(b"x" * (64 + k % 2048))
PY
  touch "$ROOT/.complete"   # a dot file outside the bucket folder
fi

OUT=$BENCH_DIR/out
STATE=$BENCH_DIR/state
# best_of PRE CMD...: runs CMD $RUNS times (after the hook PRE) and prints
# "wall cpu" in seconds of the fastest run (cpu = user + system, all
# processes of the command; on a shared machine it is the steadier figure).
best_of() {
  local pre=$1; shift
  local best="" t
  for _ in $(seq "$RUNS"); do
    $pre
    /usr/bin/time -f '%e %U %S' -o "$BENCH_DIR/time.txt" "$@" >/dev/null
    t=$(awk '{printf "%.2f %.2f", $1, $2 + $3}' "$BENCH_DIR/time.txt")
    if [[ -z $best || $(echo "${t%% *} < ${best%% *}" | bc) == 1 ]]; then best=$t; fi
  done
  echo "$best"
}

none() { :; }
fresh_out() { rm -rf "$OUT"; mkdir -p "$OUT"; }
cold() { fresh_out; rm -rf "$STATE"; mkdir -p "$STATE"; }
# Page cache warm for everyone: read the tree once up front.
find "$TREE" -type f -printf '%P\t%s\t%T@\n' | gzip -1 >/dev/null

FIND_CMD="find '$TREE' -type f -printf '%P\t%s\t%T@\n' | gzip -1 >/dev/null"
ST=("$STOCKTAKE" --state "$STATE" -q scan "$TREE" --dest "$OUT")

T_FIND=$(best_of none sh -c "$FIND_CMD")
T_PLAIN=$(best_of cold "${ST[@]}" --fields Size,LastModifiedDate)
T_PARQUET=$(best_of cold "${ST[@]}" --fields Size,LastModifiedDate --format parquet)
T_COLD=$(best_of cold "${ST[@]}" --fields $FIELDS_ETAG)
cold; "${ST[@]}" --fields $FIELDS_ETAG >/dev/null   # fill the ETag cache
T_WARM=$(best_of fresh_out "${ST[@]}" --fields $FIELDS_ETAG)

# Peak RSS and report size of one no-ETag scan.
fresh_out
RSS_KB=$( { /usr/bin/time -v "$STOCKTAKE" --state "$STATE" -q scan "$TREE" --dest "$OUT" \
            --fields Size,LastModifiedDate >/dev/null; } 2>&1 | awk '/Maximum resident/ {print $6}')
REPORT_BYTES=$(find "$OUT" -name '*.csv.gz' -printf '%s\n' | awk '{s+=$1} END {print s}')
FIND_BYTES=$(run_find_bytes() { find "$TREE" -type f -printf '%P\t%s\t%T@\n' | gzip -1 | wc -c; }; run_find_bytes)

# row LABEL "WALL CPU": a table row with both ratios to find.
row() {
  local w=${2%% *} c=${2##* }
  echo "| $1 | $w | $(echo "scale=2; $w / ${T_FIND%% *}" | bc) | $c | $(echo "scale=2; $c / ${T_FIND##* }" | bc) |"
}

cat <<MD
## P1 local: $N-object tree -> CSV.gz report

$(date -u '+%Y-%m-%d %H:%M UTC'), load average at the end $(cut -d' ' -f1-3 /proc/loadavg).
Command: \`bench/p1_local.sh $N\`. Tree: \`$TREE\`, $N files of 64-2111 bytes in $(find "$TREE" -type d | wc -l) folders, page cache warm.
Best of $RUNS runs each (by wall time); CPU = user + system seconds of that run.
Goal: stocktake wall <= 0.5 x find's, and < 1 s.

| command | wall (s) | wall / find | CPU (s) | CPU / find |
|---|---|---|---|---|
$(row "\`find DIR -type f -printf '%P\\t%s\\t%T@\\n' \\| gzip -1\`" "$T_FIND")
$(row "\`stocktake scan DIR --dest OUT --fields Size,LastModifiedDate\`" "$T_PLAIN")
$(row "same, \`--format parquet\`" "$T_PARQUET")
$(row "same (CSV.gz), \`--fields $FIELDS_ETAG\`, ETag cache cold (fresh \`--state\`)" "$T_COLD")
$(row "same, \`--fields $FIELDS_ETAG\`, ETag cache warm" "$T_WARM")

Peak RSS of the no-ETag scan: $((RSS_KB / 1024)) MB. Report: $REPORT_BYTES bytes of CSV.gz
(find | gzip -1: $FIND_BYTES bytes, fewer columns).
MD

awk -v s="${T_PLAIN%% *}" -v f="${T_FIND%% *}" -v n="$N" 'BEGIN {
  r = s / f
  printf "P1 stocktake wall / find wall, %d files\t%.2fx\t<= 0.5x and < 1 s\t%s\n", n, r,
    (r <= 0.5 && s < 1 ? "met" : "not met")
}' >>"$VERDICTS"
