#!/usr/bin/env bash
# P1 (issue 5): a local tree of N objects -> CSV.gz report, stocktake vs
#   find DIR -type f -printf '%P\t%s\t%T@\n' | gzip -1
# in the same run: RUNS rounds, each running every command once in turn (so
# load swings on a shared machine hit all of them alike); the table gives
# each command's median wall, user and system seconds. Prints a Markdown
# section on stdout.
#
#   bench/p1_local.sh [N]        (default 200000)
# Env: STOCKTAKE (binary, default build/stocktake), BENCH_DIR (default
# /tmp/stocktake-p1), RUNS (default 5), VERDICTS (a file to append
# "figure<TAB>ratio<TAB>goal<TAB>met" lines to, for bench/run's summary).
set -euo pipefail

N=${1:-200000}
STOCKTAKE=${STOCKTAKE:-build/stocktake}
BENCH_DIR=${BENCH_DIR:-/tmp/stocktake-p1}
RUNS=${RUNS:-5}
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
TIMES=$BENCH_DIR/times
rm -rf "$TIMES"; mkdir -p "$TIMES"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

none() { :; }
fresh_out() { rm -rf "$OUT"; mkdir -p "$OUT"; }
cold() { fresh_out; rm -rf "$STATE"; mkdir -p "$STATE"; }
# measure NAME PRE CMD...: runs the hook PRE, then CMD once under
# /usr/bin/time, appending "wall user sys" to $TIMES/NAME.
measure() {
  local name=$1 pre=$2; shift 2
  $pre
  /usr/bin/time -f '%e %U %S' -o "$BENCH_DIR/time.txt" "$@" >/dev/null
  cat "$BENCH_DIR/time.txt" >>"$TIMES/$name"
}
# median NAME COLUMN: the median of one column (1 wall, 2 user, 3 sys).
median() {
  sort -g -k"$2","$2" "$TIMES/$1" | awk -v c="$2" '{v[NR] = $c} END {
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m }'
}

# Page cache warm for everyone: read the tree once up front.
find "$TREE" -type f -printf '%P\t%s\t%T@\n' | gzip -1 >/dev/null
THREADS_DEFAULT=$(( $(nproc) * 2 < 8 ? $(nproc) * 2 : 8 ))

FIND_CMD="find '$TREE' -type f -printf '%P\t%s\t%T@\n' | gzip -1 >/dev/null"
ST=("$STOCKTAKE" --state "$STATE" -q scan "$TREE" --dest "$OUT")
cold; "${ST[@]}" --fields $FIELDS_ETAG >/dev/null   # fill the ETag cache for the warm rows
for _ in $(seq "$RUNS"); do
  measure find none sh -c "$FIND_CMD"
  measure plain fresh_out "${ST[@]}" --fields Size,LastModifiedDate
  measure plain1 fresh_out "${ST[@]}" --fields Size,LastModifiedDate --list-concurrency 1
  measure parquet fresh_out "${ST[@]}" --fields Size,LastModifiedDate --format parquet
  measure warm fresh_out "${ST[@]}" --fields $FIELDS_ETAG
done
# Cold ETags last: they rewrite the cache, so the warm rows ran before.
for _ in $(seq "$RUNS"); do measure cold cold "${ST[@]}" --fields $FIELDS_ETAG; done

# Peak RSS and report size of one no-ETag scan.
fresh_out
RSS_KB=$( { /usr/bin/time -v "$STOCKTAKE" --state "$STATE" -q scan "$TREE" --dest "$OUT" \
            --fields Size,LastModifiedDate >/dev/null; } 2>&1 | awk '/Maximum resident/ {print $6}')
REPORT_BYTES=$(find "$OUT" -name '*.csv.gz' -printf '%s\n' | awk '{s+=$1} END {print s}')
FIND_BYTES=$(find "$TREE" -type f -printf '%P\t%s\t%T@\n' | gzip -1 | wc -c)

# row LABEL NAME: a table row with median wall, user, system and CPU, and
# the wall and CPU ratios to find's medians.
row() {
  local w u s c fw fc
  w=$(median "$2" 1); u=$(median "$2" 2); s=$(median "$2" 3)
  c=$(echo "$u + $s" | bc); fw=$(median find 1)
  fc=$(echo "$(median find 2) + $(median find 3)" | bc)
  # The label goes through the environment: awk -v would eat its backslashes.
  LABEL=$1 awk -v w="$w" -v fw="$fw" -v u="$u" -v s="$s" -v c="$c" -v fc="$fc" \
    'BEGIN {printf "| %s | %s | %.2f | %s | %s | %.2f |\n", ENVIRON["LABEL"], w, w / fw, u, s, c / fc}'
}

cat <<MD
## P1 local: $N-object tree -> CSV.gz report

$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),
load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared), $(git rev-parse --short HEAD 2>/dev/null || echo '?').
Tree: \`$TREE\`, $N files of 64-2111 bytes in $(find "$TREE" -type d | wc -l) folders, page cache warm.
Medians of $RUNS interleaved rounds; user and system are CPU seconds of all the command's
threads and processes. Local walk threads by default: $THREADS_DEFAULT.
Goal: stocktake wall <= 0.5 x find's, and < 1 s.

| command | wall (s) | wall / find | user (s) | system (s) | CPU / find |
|---|---|---|---|---|---|
$(row "\`find DIR -type f -printf '%P\\t%s\\t%T@\\n' \\| gzip -1\`" find)
$(row "\`stocktake scan DIR --dest OUT --fields Size,LastModifiedDate\`" plain)
$(row "same, \`--list-concurrency 1\` (one walk thread)" plain1)
$(row "same, \`--format parquet\`" parquet)
$(row "same, \`--fields $FIELDS_ETAG\`, ETag cache warm" warm)
$(row "same, \`--fields $FIELDS_ETAG\`, ETag cache cold (fresh \`--state\`)" cold)

Peak RSS of the no-ETag scan: $((RSS_KB / 1024)) MB. Report: $REPORT_BYTES bytes of CSV.gz
(find | gzip -1: $FIND_BYTES bytes, fewer columns).
MD

awk -v s="$(median plain 1)" -v f="$(median find 1)" -v n="$N" 'BEGIN {
  r = s / f
  printf "P1 stocktake wall / find wall, %d files\t%.2fx\t<= 0.5x and < 1 s\t%s\n", n, r,
    (r <= 0.5 && s < 1 ? "met" : "not met")
}' >>"$VERDICTS"
